"""The main pages of every role, the one list shared by the browser tests' standards check
(test_standards.py), the server-side HTML check (tests/test_html_fragments.py), the first-load budget
(tests/test_pages.py) and `make audit` (audit/run.py, Lighthouse and the Nu checker): every page each kind
of user reaches from their menu and the forms they fill there, signed in as the demo accounts."""
import html
import re
from collections.abc import Callable

ANONYMOUS = ("/login", "/suggestions/track")

MAIN_PAGES = {
    "employee": ("/", "/suggestions/", "/suggestions/new", "/repairs/", "/repairs/new", "/repairs/new?location=1",
                 "/suggestions/board", "/requests/", "/requests/new", "/tasks/", "/visits/", "/notifications/",
                 "/notifications/settings", "/rooms/", "/rooms/new", "/rooms/mine"),
    "office": ("/", "/suggestions/triage", "/suggestions/drafts", "/suggestions/digest", "/suggestions/board",
               "/suggestions/templates", "/suggestions/categories", "/repairs/board", "/requests/office",
               "/requests/types", "/requests/types/new", "/requests/handlers", "/meetings/", "/meetings/series",
               "/actions/", "/tasks/", "/tasks/new", "/tasks/overview", "/visits/today", "/visits/register",
               "/visits/templates", "/calendar/", "/reports/monthly", "/satisfaction/surveys",
               "/satisfaction/surveys/new", "/rooms/manage", "/rooms/checks", "/rooms/approvals"),
    "leader": ("/", "/tasks/", "/tasks/new", "/tasks/overview", "/reports/monthly", "/satisfaction/surveys"),
    "liaison-prod": ("/", "/meetings/", "/actions/"),
    # The demo's request handler (the Quality department answers test-report requests).
    "liaison-qa": ("/", "/requests/inbox", "/tasks/"),
    "reception": ("/", "/visits/today", "/visits/register", "/visits/new"),
    "maint": ("/", "/repairs/queue"),
    "admin": ("/", "/admin/", "/admin/departments", "/admin/users/new", "/admin/users/import", "/admin/deliveries",
              "/repairs/locations", "/repairs/equipment", "/repairs/locations/import", "/repairs/equipment/import"),
}

# Pages reached from a list: (list page, address pattern, *suffixes) stands for the first link on the list
# page whose address matches the pattern (a suggestion, the live agenda of a meeting, a user's form), and
# that address followed by each suffix (the meeting's close and attendance pages).
FIRST_DETAIL = {
    "employee": (("/repairs/", r"/repairs/\d+"), ("/requests/", r"/requests/\d+")),
    # A suggestion with a drafted answer (the demo has one): the office's page with the most parts.
    "office": (("/suggestions/drafts", r"/suggestions/\d+"),
               ("/meetings/", r"/meetings/\d+", "/close", "/attendance"),
               ("/meetings/", r"/meetings/\d+/minutes"),
               ("/requests/office", r"/requests/\d+"),
               ("/tasks/", r"/actions/\d+"),
               ("/visits/today", r"/visits/\d+", "/edit"),
               ("/rooms/manage", r"/rooms/manage/\d+"),
               ("/repairs/locations", r"/repairs/locations/\d+/labels")),
    "leader": (("/tasks/overview", r"/actions/\d+"),),
    "liaison-prod": (("/meetings/", r"/meetings/\d+"),),
    "liaison-qa": (("/requests/inbox", r"/requests/\d+"),),
    "reception": (("/visits/today", r"/visits/\d+"),),
    "admin": (("/admin/", r"/admin/users/\d+"),),
}

HREF = re.compile(r'\shref="([^"]+)"')


def first_link(markup: str, pattern: str) -> str | None:
    """The first address in the page's links that matches `pattern` whole (its query aside)."""
    for href in HREF.findall(markup):
        address = html.unescape(href)
        if re.fullmatch(pattern, address.split("?")[0]):
            return address
    return None


def detail_pages(role: str | None, fetch: Callable[[str], str]) -> list[str]:
    """The pages FIRST_DETAIL names for the role; `fetch(path)` returns a page's HTML as that role sees it.
    A link the demo data no longer offers is an error, not a page quietly left unchecked."""
    pages = []
    for source, pattern, *suffixes in FIRST_DETAIL.get(role, ()):
        found = first_link(fetch(source), pattern)
        if found is None:
            raise LookupError(f"{role}: no link like {pattern} on {source}")
        pages += [found, *(found + suffix for suffix in suffixes)]
    return pages


def pages_of(role: str | None, fetch: Callable[[str], str]) -> list[str]:
    """Every page checked for a role (None: signed out), its detail pages last."""
    if role is None:
        return list(ANONYMOUS)
    return [*MAIN_PAGES[role], *detail_pages(role, fetch)]
