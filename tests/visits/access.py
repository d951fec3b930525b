"""Access matrix rows for visitor reception: front desk for reception and office, templates for office and
admin, and a visit's page only for the people it concerns (404 for everyone else)."""
from datetime import timedelta

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from app.visits import checklist, services
from app.visits.models import Room
from tests.access import Route, allow, everyone

DESK = (Role.RECEPTION, Role.OFFICE)
EDITORS = (Role.OFFICE, Role.ADMIN)
VISIT = "/visits/<int:visit_id>"
STEP = VISIT + "/steps/<int:step_id>"
TEMPLATE_STEP = "/visits/templates/steps/<int:template_step_id>"

ROUTES = [
    Route("GET", "/visits/", everyone()),
    Route("GET", "/visits/new", everyone()),
    Route("POST", "/visits/new", everyone(422)),
    # Someone else's visit is "not found" for people it does not concern.
    Route("GET", VISIT, allow(*DESK), default=404),
    Route("GET", VISIT + "/edit", allow(*DESK), default=404),
    Route("POST", VISIT + "/edit", allow(*DESK, status=422), default=404),
    Route("GET", VISIT + "/sheet", allow(*DESK), default=404),
    Route("GET", VISIT + "/badges", allow(*DESK)),
    Route("POST", VISIT + "/arrive", allow(*DESK, status=303)),
    # Departure before arrival: the page was out of date, so the visit page says so (409).
    Route("POST", VISIT + "/depart", allow(*DESK, status=409)),
    # No owner named: refused with the message on the visit page (422).
    Route("POST", VISIT + "/accept", allow(Role.OFFICE, status=422)),
    Route("POST", VISIT + "/cancel", {Role.RECEPTION: 403, Role.OFFICE: 303}, default=404, data={"reason": "客户改期"}),
    Route("POST", STEP + "/tick", allow(*DESK, status=303), default=404),
    # The step is open already: someone else must have reopened it (409).
    Route("POST", STEP + "/untick", allow(*DESK, status=409), default=404, data={"reason": "弄错了"}),
    Route("POST", STEP + "/skip", allow(*DESK, status=303), default=404, data={"reason": "不需要"}),
    Route("POST", STEP + "/note", allow(*DESK, status=303), default=404, data={"note": "已确认"}),
    # Nothing ticked in the last minutes: refused with the message on the visit page (422).
    Route("POST", STEP + "/undo", allow(*DESK, status=422), default=404),
    Route("GET", "/visits/today", allow(*DESK)),
    Route("GET", "/visits/register", allow(*DESK)),
    Route("GET", "/visits/register.<any(csv, xlsx):kind>", allow(*DESK)),
    Route("GET", "/visits/templates", allow(*EDITORS)),
    Route("POST", "/visits/templates/<visit_type>/steps", allow(*EDITORS, status=422)),
    Route("GET", TEMPLATE_STEP, allow(*EDITORS)),
    Route("POST", TEMPLATE_STEP, allow(*EDITORS, status=422)),
    Route("POST", TEMPLATE_STEP + "/move", allow(*EDITORS, status=303), data={"direction": "down"}),
    Route("POST", TEMPLATE_STEP + "/delete", allow(*EDITORS, status=303)),
    # The room list moved to /rooms/manage (tests/rooms/access.py); the old address leads there.
    Route("GET", "/visits/rooms", allow(*EDITORS, status=301)),
]


def setup() -> dict:
    checklist.seed_templates()
    host = User(login="visit-host", name="Visit Host", password_hash="x")
    owner = User(login="visit-owner", name="Visit Owner", password_hash="x")
    owner.set_roles([Role.OFFICE])
    room = Room(name="Matrix room")
    db.session.add_all([host, owner, room])
    db.session.commit()
    arrival = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    visit = services.create_visit(owner, services.VisitData(
        organisation="Matrix Ltd", visitor_names="Ann Visitor", visitor_count=1, purpose="Access check",
        visit_type="customer", host_id=host.id, expected_arrival=arrival,
        expected_departure=arrival + timedelta(hours=2), owner_id=owner.id, room_id=room.id))
    template = checklist.template_for("customer")
    return {"visit_id": visit.id, "step_id": visit.steps[0].id, "template_step_id": template.steps[0].id,
            "visit_type": "customer", "room_id": room.id, "kind": "csv"}
