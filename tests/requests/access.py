"""Access matrix rows for cross-department requests: filing and "my requests" for everyone, a request only
for whoever may see it (requester, the answering department's handlers, the office), the inbox for
handlers, the overview and export for the office, the catalogue and handlers for office and administrators."""
from werkzeug.datastructures import FileStorage

from app.auth.models import Department, User
from app.auth.roles import Role
from app.calendar.clock import after_working_days
from app.extensions import db
from app.requests.models import RequestFile, RequestHandler, RequestType, ServiceRequest
from app.timeutil import utcnow
from app.uploads import save_image
from tests.access import Route, allow, everyone
from tests.repairs.conftest import photo_bytes

OFFICE, ADMIN = Role.OFFICE, Role.ADMIN
MANAGERS = (OFFICE, ADMIN)
R = "/requests"

ROUTES = [
    Route("GET", f"{R}/", everyone()),
    Route("GET", f"{R}/new", everyone()),
    Route("POST", f"{R}/new", everyone(422)),
    # Someone else's request: its existence is private to its department's handlers and the office.
    Route("GET", f"{R}/<int:request_id>", allow(OFFICE), default=404),
    # The office sees it but may not take it (only the department's handlers may): told so, 422.
    Route("POST", f"{R}/<int:request_id>/act/<action>", allow(OFFICE, status=422), default=404),
    Route("GET", f"{R}/files/<int:file_id>", allow(OFFICE), default=404),
    # Nobody in the matrix is a handler.
    Route("GET", f"{R}/inbox"),
    Route("GET", f"{R}/office", allow(OFFICE)),
    Route("GET", f"{R}/office/export", allow(OFFICE)),
    Route("GET", f"{R}/types", allow(*MANAGERS)),
    Route("GET", f"{R}/types/new", allow(*MANAGERS)),
    Route("POST", f"{R}/types/new", allow(*MANAGERS, status=422)),
    Route("GET", f"{R}/types/<int:type_id>", allow(*MANAGERS)),
    # An empty post re-saves what is stored (WTForms falls back to the record).
    Route("POST", f"{R}/types/<int:type_id>", allow(*MANAGERS, status=303)),
    Route("GET", f"{R}/handlers", allow(*MANAGERS)),
    Route("POST", f"{R}/handlers", allow(*MANAGERS, status=422)),
    Route("POST", f"{R}/handlers/<int:handler_id>/remove", allow(*MANAGERS, status=303)),
]


def setup() -> dict:
    requester = User(login="request-owner", name="Request Owner", password_hash="x")
    handler = User(login="request-handler", name="Request Handler", password_hash="x")
    quality = Department(code="MXQA", name_zh="质量部", name_en="Quality")
    request_type = RequestType(name_zh="检测报告申请", name_en="Test report", department=quality)
    now = utcnow()
    item = ServiceRequest(type=request_type, department=quality, requester=requester, text="report please",
                          created_at=now, answer_due=after_working_days(now, 1),
                          complete_due=after_working_days(now, 3))
    db.session.add_all([requester, handler, quality, request_type, item,
                        RequestHandler(department=quality, user=handler)])
    db.session.flush()
    stored = save_image(FileStorage(photo_bytes(), filename="a.jpg"), "requests")
    attached = RequestFile(request=item, uploaded_by_id=requester.id, filename="a.jpg", content_type="image/jpeg",
                           photo_name=stored.name)
    db.session.add(attached)
    db.session.commit()
    handler_row = db.session.query(RequestHandler).one()
    return {"request_id": item.id, "action": "take", "file_id": attached.id, "type_id": request_type.id,
            "handler_id": handler_row.id}
