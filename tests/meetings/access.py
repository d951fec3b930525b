"""Access matrix rows for the liaison meeting and the action items.

The meeting is the office's and the liaisons'; ordering, outcomes, assignments, attendance and
status are the office's alone. Action items are seen by office and liaisons, and by their owner;
to anyone else an action item does not exist (404).
"""
from datetime import timedelta

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from app.timeutil import utcnow
from tests.access import Route, allow, everyone

OFFICE, LIAISON, ADMIN = Role.OFFICE, Role.LIAISON, Role.ADMIN
BOTH = (OFFICE, LIAISON)

ROUTES = [
    Route("GET", "/meetings/", allow(*BOTH)),
    Route("GET", "/meetings/new", allow(OFFICE)),
    Route("POST", "/meetings/new", allow(OFFICE, status=422), data={"day": "not a date"}),
    Route("GET", "/meetings/<int:meeting_id>", allow(*BOTH)),
    Route("GET", "/meetings/<int:meeting_id>/changes", allow(*BOTH)),
    Route("GET", "/meetings/<int:meeting_id>/agenda", allow(*BOTH)),
    Route("GET", "/meetings/<int:meeting_id>/followups", allow(*BOTH)),
    Route("POST", "/meetings/<int:meeting_id>/presence", allow(*BOTH)),
    Route("POST", "/meetings/<int:meeting_id>/status", allow(OFFICE, status=303), data={"move": "nonsense"}),
    Route("GET", "/meetings/<int:meeting_id>/close", allow(OFFICE)),
    # The notice's answer: a liaison without a choice is told (422); the office does not answer it.
    Route("POST", "/meetings/<int:meeting_id>/answer", allow(*BOTH, status=422)),
    Route("GET", "/meetings/<int:meeting_id>/reschedule", allow(OFFICE)),
    # An empty post keeps the date, time and place shown (WTForms falls back to them): told again, 303.
    Route("POST", "/meetings/<int:meeting_id>/reschedule", allow(OFFICE, status=303)),
    Route("GET", "/meetings/<int:meeting_id>/attendance", allow(OFFICE)),
    Route("POST", "/meetings/<int:meeting_id>/attendance", allow(OFFICE, status=303)),
    Route("POST", "/meetings/<int:meeting_id>/items", allow(*BOTH, status=422)),
    # The item belongs to another department than the test liaison's: only the office may edit it.
    Route("GET", "/meetings/items/<int:item_id>/edit", allow(OFFICE)),
    Route("POST", "/meetings/items/<int:item_id>", allow(OFFICE, status=422)),
    Route("POST", "/meetings/items/<int:item_id>/move", allow(OFFICE, status=303), data={"direction": "up"}),
    Route("GET", "/meetings/items/<int:item_id>/outcome", allow(OFFICE)),
    Route("POST", "/meetings/items/<int:item_id>/outcome", allow(OFFICE, status=422), data={"status": "bogus"}),
    Route("GET", "/meetings/items/<int:item_id>/actions", allow(OFFICE)),
    Route("POST", "/meetings/items/<int:item_id>/actions", allow(OFFICE, status=422)),
    Route("GET", "/meetings/<int:meeting_id>/minutes", allow(*BOTH)),
    Route("GET", "/meetings/<int:meeting_id>/minutes.md", allow(*BOTH)),
    Route("GET", "/meetings/<int:meeting_id>/minutes.docx", allow(*BOTH)),
    Route("POST", "/meetings/<int:meeting_id>/amendments", allow(OFFICE, status=422)),
    # Meeting series: the office and administrators keep them (an empty name is refused: 422).
    Route("GET", "/meetings/series", allow(OFFICE, ADMIN)),
    Route("GET", "/meetings/series/new", allow(OFFICE, ADMIN)),
    Route("POST", "/meetings/series/new", allow(OFFICE, ADMIN, status=422), data={"name": ""}),
    Route("GET", "/meetings/series/<int:series_id>", allow(OFFICE, ADMIN)),
    Route("POST", "/meetings/series/<int:series_id>", allow(OFFICE, ADMIN, status=422), data={"name": ""}),
    Route("GET", "/actions/", everyone()),
    Route("GET", "/actions/<int:action_id>", allow(*BOTH), default=404),
    Route("GET", "/actions/<int:action_id>/history", allow(*BOTH), default=404),
    # Open action item of another department: nothing for office (not done yet) or this liaison to do.
    Route("GET", "/actions/<int:action_id>/move", allow(*BOTH, status=403), default=404),
    Route("POST", "/actions/<int:action_id>/move", allow(*BOTH, status=403), default=404),
]


def setup() -> dict:
    department = Department(code="MTG", name_zh="会议部", name_en="Meeting dept")
    owner = User(login="action-owner", name="Action Owner", department=department, password_hash="x")
    meeting = Meeting(starts_at=utcnow() + timedelta(days=3), place="301")
    db.session.add_all([department, owner, meeting])
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, kind="need", title="临时工", department_id=department.id)
    db.session.add(item)
    db.session.flush()
    action = ActionItem(item_id=item.id, meeting_id=meeting.id, task="招聘", department_id=department.id,
                        owner_id=owner.id, deadline=(utcnow() + timedelta(days=5)).date(), acceptance="到岗")
    db.session.add(action)
    group = MeetingSeries(name="专项项目协同小组", name_en="Project coordination group", kind="group",
                          members=[owner])
    db.session.add(group)
    db.session.commit()
    return {"meeting_id": meeting.id, "item_id": item.id, "action_id": action.id, "series_id": group.id}
