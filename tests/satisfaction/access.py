"""Access matrix rows for ratings: a record's rating page only for the one person who may rate it (nobody in
the matrix: everyone else gets 404, the record's existence is not theirs to know); the visitor's rating
link for anyone holding it, signed in or not."""
from datetime import timedelta

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.repairs import sla
from app.repairs.models import Location, RepairEvent, RepairRequest
from app.satisfaction import links
from app.satisfaction.models import SurveyInvite, SurveyQuestion, SurveyRound
from app.timeutil import utcnow
from app.visits import checklist, services
from app.visits.models import Room
from tests.access import Route, allow, everyone

S = "/satisfaction"

ROUTES = [
    Route("GET", f"{S}/rate/<subject>/<int:record_id>", default=404),
    Route("POST", f"{S}/rate/<subject>/<int:record_id>", default=404),
    Route("GET", f"{S}/visitor/<token>", everyone(), anonymous=200),
    # An empty form: the score is missing, told on the field.
    Route("POST", f"{S}/visitor/<token>", everyone(422), anonymous=422),
    # Surveys: office and leaders read them, the office opens and closes them (an empty form: 422); the
    # answer page is for the people asked, and nobody in the matrix was asked.
    Route("GET", f"{S}/surveys", allow(Role.OFFICE, Role.LEADER)),
    Route("GET", f"{S}/surveys/new", allow(Role.OFFICE)),
    Route("POST", f"{S}/surveys/new", allow(Role.OFFICE, status=422)),
    Route("GET", f"{S}/surveys/<int:round_id>", allow(Role.OFFICE, Role.LEADER)),
    Route("POST", f"{S}/surveys/<int:round_id>/close", allow(Role.OFFICE, status=303)),
    Route("GET", f"{S}/surveys/<int:round_id>/answer", default=404),
    Route("POST", f"{S}/surveys/<int:round_id>/answer", default=404),
]


def setup() -> dict:
    checklist.seed_templates()
    requester = User(login="rating-requester", name="Rating Requester", password_hash="x")
    host = User(login="rating-host", name="Rating Host", password_hash="x")
    owner = User(login="rating-owner", name="Rating Owner", password_hash="x")
    owner.set_roles([Role.OFFICE])
    location = Location(building="Rating building", floor="1F", room="101")
    now = utcnow()
    response_due, fix_due = sla.due_times("normal", now)
    repair = RepairRequest(requester=requester, location=location, category="hvac", urgency="normal",
                           description="warm air", status="confirmed", response_due=response_due, fix_due=fix_due,
                           done_at=now, closed_at=now)
    db.session.add_all([requester, host, owner, location, repair, Room(name="Rating room")])
    db.session.flush()
    db.session.add(RepairEvent(repair_id=repair.id, actor_id=requester.id, kind="confirm", status="confirmed"))
    db.session.commit()
    arrival = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    visit = services.create_visit(owner, services.VisitData(
        organisation="Rating Ltd", visitor_names="Ann Visitor", visitor_count=1, purpose="Access check",
        visit_type="customer", host_id=host.id, expected_arrival=arrival,
        expected_departure=arrival + timedelta(hours=2), owner_id=owner.id))
    visit.status = "completed"
    survey = SurveyRound(title="Q4", period_start=now.date(), period_end=now.date(),
                         questions=[SurveyQuestion(text="Meetings?")])
    db.session.add(survey)
    db.session.flush()
    db.session.add(SurveyInvite(round_id=survey.id, user_id=requester.id))
    db.session.commit()
    return {"subject": "repair", "record_id": repair.id, "token": links.token_for(visit.id), "round_id": survey.id}
