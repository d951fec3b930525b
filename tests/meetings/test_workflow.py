"""Both state machines: every move from every state by every kind of person, allowed or refused."""
import pytest
from flask_babel import force_locale

from app.auth.roles import Role
from app.extensions import db
from app.meetings import actions, closing, services
from app.meetings.models import ActionEvent, ActionItem, AgendaItem, Meeting
from app.meetings.workflow import ACTION_TRANSITIONS, MEETING_TRANSITIONS, ActionState, MeetingStatus
from app.timeutil import today, utcnow

# Written out by hand from README's "Liaison meeting" section, not derived from the tables, so the
# tables are really tested.
ACTION_ALLOWED = {
    ("start", "open"): {"owner", "liaison"},
    ("progress", "open"): {"owner", "liaison"},
    ("progress", "in_progress"): {"owner", "liaison"},
    ("done", "open"): {"owner", "liaison"},
    ("done", "in_progress"): {"owner", "liaison"},
    ("accept", "done"): {"office"},
    ("send_back", "done"): {"office"},
}
ACTION_TARGET = {"start": "in_progress", "progress": "in_progress", "done": "done", "accept": "accepted",
                 "send_back": "in_progress"}
ACTION_ACTORS = ("owner", "liaison", "other_liaison", "office", "colleague")

MEETING_ALLOWED = {
    ("start", "collecting"): {"office"},
    ("close", "collecting"): {"office"},
    ("close", "in_progress"): {"office"},
}
MEETING_TARGET = {"start": "in_progress", "close": "closed"}
MEETING_ACTORS = ("office", "liaison")

ACTION_CASES = [(move, state) for move in ACTION_TRANSITIONS for state in ActionState]
MEETING_CASES = [(move, status) for move in MEETING_TRANSITIONS for status in MeetingStatus]


def test_the_tables_cover_every_move_written_here():
    assert {(n, s) for n, t in ACTION_TRANSITIONS.items() for s in t.sources} == set(ACTION_ALLOWED)
    assert {n: t.target for n, t in ACTION_TRANSITIONS.items()} == ACTION_TARGET
    assert {(n, s) for n, t in MEETING_TRANSITIONS.items() for s in t.sources} == set(MEETING_ALLOWED)
    assert {n: t.target for n, t in MEETING_TRANSITIONS.items()} == MEETING_TARGET


@pytest.fixture
def people(make_user, make_department):
    hr, prod = make_department("HR", "人力资源部", "Human Resources"), make_department("PROD", "生产部", "Production")
    return {"owner": make_user(department=hr), "liaison": make_user(Role.LIAISON, department=hr),
            "other_liaison": make_user(Role.LIAISON, department=prod), "office": make_user(Role.OFFICE),
            "colleague": make_user(department=hr)}


def _action_in(state: str, people) -> ActionItem:
    meeting = Meeting(starts_at=utcnow(), place="301")
    db.session.add(meeting)
    db.session.flush()
    owner = people["owner"]
    item = AgendaItem(meeting_id=meeting.id, kind="need", title="临时工", department_id=owner.department_id)
    db.session.add(item)
    db.session.flush()
    action = ActionItem(item_id=item.id, meeting_id=meeting.id, task="招聘", department_id=owner.department_id,
                        owner_id=owner.id, deadline=today(), acceptance="到岗", state=state)
    db.session.add(action)
    db.session.commit()
    return action


@pytest.mark.parametrize("move, state", ACTION_CASES, ids=[f"{m}-from-{s.value}" for m, s in ACTION_CASES])
def test_action_item_move_by_each_actor(app, people, move, state):
    """One fresh action item per actor, so each attempt starts from `state`; every move gets its note."""
    for actor in ACTION_ACTORS:
        action = _action_in(state, people)
        events_before = db.session.query(ActionEvent).count()
        if actor in ACTION_ALLOWED.get((move, state), set()):
            actions.make_move(people[actor], action, move, "写了说明", action.version)
            stored = db.session.get(ActionItem, action.id)
            assert stored.state == ACTION_TARGET[move], f"{actor} {move} from {state}"
            assert stored.events[-1].user_id == people[actor].id
        else:
            with force_locale("en"), pytest.raises(services.MeetingError, match="not possible now"):
                actions.make_move(people[actor], action, move, "写了说明", action.version)
            assert db.session.get(ActionItem, action.id).state == state, f"{actor} could {move} from {state}"
            assert db.session.query(ActionEvent).count() == events_before


def test_moves_that_need_a_note_refuse_an_empty_one_on_the_note_field(app, people):
    for move in ("progress", "done"):
        action = _action_in("open", people)
        with pytest.raises(services.MeetingError) as caught:
            actions.make_move(people["owner"], action, move, "  ", action.version)
        assert caught.value.field == "note" and db.session.get(ActionItem, action.id).state == "open"
    action = _action_in("done", people)
    with pytest.raises(services.MeetingError):
        actions.make_move(people["office"], action, "send_back", "", action.version)


@pytest.mark.parametrize("move, status", MEETING_CASES, ids=[f"{m}-from-{s.value}" for m, s in MEETING_CASES])
def test_meeting_move_by_each_actor(app, people, move, status):
    for actor in MEETING_ACTORS:
        user = people["office"] if actor == "office" else people["liaison"]
        meeting = Meeting(starts_at=utcnow(), place="301", status=status)
        db.session.add(meeting)
        db.session.commit()
        viewer = services.Viewer(user, meeting)
        if actor in MEETING_ALLOWED.get((move, status), set()):
            closing.change_status(viewer, move, attendance_accepted=True)
            assert db.session.get(Meeting, meeting.id).status == MEETING_TARGET[move]
        else:
            with force_locale("en"), pytest.raises(services.MeetingError, match="not possible now"):
                closing.change_status(viewer, move)
            assert db.session.get(Meeting, meeting.id).status == status, f"{actor} could {move} from {status}"
