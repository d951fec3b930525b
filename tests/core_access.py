"""Access matrix rows for the foundation: sign-in, account, home, notifications, administration."""
from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from tests.access import Route, allow, everyone

ADMIN = Role.ADMIN

ROUTES = [
    Route("GET", "/login", everyone(302), anonymous=200),
    Route("POST", "/login", everyone(302), anonymous=422),
    Route("POST", "/logout", everyone(303)),
    Route("GET", "/account/password", everyone()),
    Route("POST", "/account/password", everyone(422)),
    Route("POST", "/account/sign-out-elsewhere", everyone(303)),
    Route("GET", "/calendar/", allow(Role.OFFICE, ADMIN)),
    Route("POST", "/calendar/", allow(Role.OFFICE, ADMIN, status=422)),
    Route("POST", "/calendar/<day>/clear", allow(Role.OFFICE, ADMIN, status=303)),
    Route("POST", "/language", everyone(303), data={"locale": "en", "next": "/"}, anonymous=303),
    Route("GET", "/", everyone()),
    Route("GET", "/healthz", everyone(), anonymous=200),
    Route("GET", "/notifications/", everyone()),
    Route("GET", "/notifications/bell", everyone()),
    # Someone else's notification is "not found" for everyone, including admins.
    Route("POST", "/notifications/<int:notification_id>/open", everyone(404)),
    Route("POST", "/notifications/read-all", everyone(303)),
    Route("GET", "/notifications/settings", everyone()),
    # An empty post is a valid choice: no channels outside the app, no quiet hours.
    Route("POST", "/notifications/settings", everyone(303)),
    Route("GET", "/admin/deliveries", allow(ADMIN)),
    Route("POST", "/admin/deliveries/test", allow(ADMIN, status=422)),
    # Queues a channel's failed deliveries again (none here): a conditional update, safe to repeat.
    Route("POST", "/admin/deliveries/retry", allow(ADMIN, status=303), data={"channel": "email"}),
    Route("GET", "/admin/", allow(ADMIN)),
    Route("GET", "/admin/users", allow(ADMIN)),
    Route("GET", "/admin/users/new", allow(ADMIN)),
    Route("POST", "/admin/users/new", allow(ADMIN, status=422)),
    Route("GET", "/admin/users/<int:user_id>", allow(ADMIN)),
    Route("POST", "/admin/users/<int:user_id>", allow(ADMIN, status=422)),
    Route("POST", "/admin/users/<int:user_id>/active", allow(ADMIN, status=303), data={"active": "1"}),
    Route("POST", "/admin/users/<int:user_id>/password", allow(ADMIN, status=303)),
    Route("GET", "/admin/departments", allow(ADMIN)),
    Route("POST", "/admin/departments", allow(ADMIN, status=422)),
    Route("GET", "/admin/departments/<int:department_id>", allow(ADMIN)),
    # An empty post re-saves what is stored (WTForms falls back to the record), hence 303.
    Route("POST", "/admin/departments/<int:department_id>", allow(ADMIN, status=303)),
    Route("POST", "/admin/departments/<int:department_id>/active", allow(ADMIN, status=303),
          data={"active": "1"}),
    Route("GET", "/admin/users/import", allow(ADMIN)),
    Route("POST", "/admin/users/import", allow(ADMIN, status=422)),
]


def setup() -> dict:
    department = Department(code="ACC", name_zh="访问部", name_en="Access")
    owner = User(login="matrix-owner", name="Matrix Owner", department=department, password_hash="x")
    db.session.add_all([department, owner])
    db.session.flush()
    note = Notification(user_id=owner.id, message="for the owner only", link="/")
    db.session.add(note)
    db.session.commit()
    return {"notification_id": note.id, "user_id": owner.id, "department_id": department.id, "day": "2026-10-01"}
