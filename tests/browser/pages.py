"""The main pages of every role, shared by the browser tests' standards check (test_standards.py) and
`make audit` (audit/run.py): what each kind of user opens every day, signed in as the demo accounts."""

ANONYMOUS = ("/login", "/suggestions/track")

MAIN_PAGES = {
    "employee": ("/", "/suggestions/", "/suggestions/new", "/repairs/", "/repairs/new", "/repairs/new?location=1",
                 "/visits/", "/notifications/", "/notifications/settings", "/rooms/", "/rooms/new"),
    "office": ("/", "/suggestions/triage", "/suggestions/digest", "/suggestions/board", "/repairs/board",
               "/meetings/", "/actions/", "/visits/today", "/visits/templates", "/calendar/", "/reports/monthly",
               "/satisfaction/surveys", "/rooms/manage"),
    "liaison-prod": ("/", "/meetings/", "/actions/"),
    "reception": ("/", "/visits/today", "/visits/register", "/visits/new"),
    "maint": ("/", "/repairs/queue"),
    "admin": ("/", "/admin/", "/admin/departments", "/admin/users/new", "/admin/deliveries", "/repairs/locations"),
}

# Pages reached from a list: the first link in the list's rows, so the detail pages are checked too.
FIRST_DETAIL = {
    "office": ("/suggestions/triage", "/meetings/"),
    "employee": ("/repairs/",),
    "reception": ("/visits/today",),
}
