"""The state machine: every action from every status by every kind of person, allowed or refused."""
import pytest

from app.auth.roles import Role
from app.errors import Conflict, Refused
from app.extensions import db
from app.repairs import services
from app.repairs.models import RepairEvent, RepairRequest
from app.repairs.workflow import BEFORE_WORK, TRANSITIONS, Status

ACTORS = ("requester", "assignee", "other_maintenance", "lead", "office", "admin", "stranger")
# Written out by hand from the workflow in the README ("Repair requests"), not derived from TRANSITIONS,
# so the table is really tested.
ALLOWED = {
    ("take", "submitted"): {"assignee", "other_maintenance", "lead"},
    ("assign", "submitted"): {"office", "lead"},
    ("assign", "assigned"): {"office", "lead"},
    ("start", "assigned"): {"assignee"},
    ("wait", "in_progress"): {"assignee"},
    ("resume", "waiting"): {"assignee"},
    ("complete", "in_progress"): {"assignee"},
    ("confirm", "done"): {"requester"},
    ("reopen", "done"): {"requester"},
    ("cancel", "submitted"): {"requester"},
    ("cancel", "assigned"): {"requester"},
}
TARGET = {"take": "assigned", "assign": "assigned", "start": "in_progress", "wait": "waiting",
          "resume": "in_progress", "complete": "done", "confirm": "confirmed", "reopen": "assigned",
          "cancel": "cancelled"}
NEEDS_WORDS = {"complete", "reopen"}
ONLY_BEFORE_WORK = {"cancel"}
STATUSES = ("submitted", "assigned", "in_progress", "waiting", "done", "confirmed", "cancelled")
CASES = [(action, status) for action in TRANSITIONS for status in STATUSES]


@pytest.fixture
def people(app, make_user):
    lead = make_user(Role.MAINTENANCE, login="lead-tech")
    app.config["REPAIRS_LEAD_LOGINS"] = ["lead-tech"]
    return {"requester": make_user(), "assignee": make_user(Role.MAINTENANCE),
            "other_maintenance": make_user(Role.MAINTENANCE), "lead": lead, "office": make_user(Role.OFFICE),
            "admin": make_user(Role.ADMIN), "stranger": make_user()}


def test_the_hand_written_table_covers_the_code_s_table():
    assert {(name, source) for name, t in TRANSITIONS.items() for source in t.sources} == set(ALLOWED)
    assert {name: t.target for name, t in TRANSITIONS.items()} == TARGET
    assert {name for name, t in TRANSITIONS.items() if t.note_required} == NEEDS_WORDS
    assert BEFORE_WORK == ONLY_BEFORE_WORK
    assert set(STATUSES) == {s.value for s in Status}


@pytest.mark.parametrize("action, status", CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_transition_by_each_actor(people, make_repair, action, status):
    """One fresh request per actor, so each attempt starts from `status`."""
    for actor in ACTORS:
        _attempt(people, make_repair, action, status, actor)


def _attempt(people, make_repair, action, status, actor):
    assignee = people["assignee"] if status != "submitted" and status != "cancelled" else None
    repair = make_repair(requester=people["requester"], status=status, assignee=assignee)
    allowed = actor in ALLOWED.get((action, status), set())
    extra = {"note": "换了压缩机 replaced", "wait_reason": "parts", "assignee": people["other_maintenance"]}
    events_before = db.session.query(RepairEvent).count()
    if allowed:
        services.act(repair, people[actor], action, version=repair.version, **extra)
        db.session.expire_all()
        stored = db.session.get(RepairRequest, repair.id)
        assert stored.status == TARGET[action]
        assert stored.events[-1].kind == action and stored.events[-1].actor_id == people[actor].id
    else:
        with pytest.raises(services.RepairError, match="not possible now") as refused:
            services.act(repair, people[actor], action, version=repair.version, **extra)
        assert isinstance(refused.value, Refused)
        db.session.rollback()
        stored = db.session.get(RepairRequest, repair.id)
        assert stored.status == status, f"{actor} could {action} from {status}"
        assert db.session.query(RepairEvent).count() == events_before


def test_take_sets_assignee_and_first_response(people, make_repair):
    repair = make_repair(requester=people["requester"])
    services.act(repair, people["assignee"], "take", version=repair.version)
    assert repair.assignee_id == people["assignee"].id and repair.responded_at is not None


def test_steps_that_need_words_refuse_an_empty_note(people, make_repair):
    repair = make_repair(requester=people["requester"], status="in_progress", assignee=people["assignee"])
    with pytest.raises(services.RepairError, match="Write a few words") as refused:
        services.act(repair, people["assignee"], "complete", version=repair.version, note="  ")
    # A missing note is the person's to fix, on the note field: a refusal, never a lost race.
    assert refused.value.field == "note" and not isinstance(refused.value, Conflict)
    with pytest.raises(services.RepairError, match="waiting for") as refused:
        services.act(repair, people["assignee"], "wait", version=repair.version, wait_reason="lunch")
    assert refused.value.field == "wait_reason"


def test_dispatch_only_to_maintenance(people, make_repair):
    repair = make_repair(requester=people["requester"])
    with pytest.raises(services.RepairError, match="maintenance person"):
        services.act(repair, people["office"], "assign", version=repair.version, assignee=people["stranger"])


def test_a_stale_version_is_a_conflict_and_writes_nothing(people, make_repair):
    repair = make_repair(requester=people["requester"])
    seen = repair.version
    services.act(repair, people["assignee"], "take", version=seen)
    with pytest.raises(services.RepairConflict, match="Someone else updated this request") as lost:
        services.act(repair, people["other_maintenance"], "take", version=seen)
    assert isinstance(lost.value, Conflict) and lost.value.current.id == repair.id
    db.session.rollback()
    assert db.session.get(RepairRequest, repair.id).assignee_id == people["assignee"].id


def test_requester_hears_of_each_step(people, make_repair):
    from app.notifications.models import Notification
    repair = make_repair(requester=people["requester"])
    services.act(repair, people["assignee"], "take", version=repair.version)
    services.act(repair, people["assignee"], "start", version=repair.version)
    services.act(repair, people["assignee"], "complete", version=repair.version, note="done")
    messages = [n.message for n in db.session.query(Notification)
                .filter_by(user_id=people["requester"].id).order_by(Notification.id)]
    assert len(messages) == 3 and "Please confirm" in messages[-1]


def _messages(user) -> list[str]:
    from app.notifications.models import Notification
    return [n.message for n in db.session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]


def test_a_reassigned_job_tells_the_one_who_had_it_and_the_one_who_gets_it(people, make_user, make_repair):
    repair = make_repair(requester=people["requester"])
    first, second = make_user(Role.MAINTENANCE, name="张师傅"), make_user(Role.MAINTENANCE, name="李师傅")
    services.act(repair, people["office"], "assign", version=repair.version, assignee=first)
    services.act(repair, people["office"], "assign", version=repair.version, assignee=second)
    assert _messages(first)[-1] == (f"Repair request #{repair.id} was dispatched to 李师傅 instead; "
                                    "you no longer need to handle it.")
    assert _messages(second) == [f"Repair request #{repair.id} is dispatched to 李师傅."]
    assert [e.note for e in repair.events if e.kind == "assign"] == ["张师傅", "李师傅"]


def test_dispatching_to_the_same_person_again_tells_nobody_they_lost_it(people, make_repair):
    repair = make_repair(requester=people["requester"], status="assigned", assignee=people["assignee"])
    services.act(repair, people["office"], "assign", version=repair.version, assignee=people["assignee"])
    assert not any("instead" in m for m in _messages(people["assignee"]))


def test_the_requester_cannot_cancel_once_work_has_started(people, make_repair):
    repair = make_repair(requester=people["requester"], status="assigned", assignee=people["assignee"])
    services.act(repair, people["assignee"], "start", version=repair.version)
    repair.status = "assigned"  # as after a reopen: assigned again, but work was done
    db.session.commit()
    with pytest.raises(services.RepairError, match="can no longer be cancelled"):
        services.act(repair, people["requester"], "cancel", version=repair.version)
    db.session.rollback()
    assert db.session.get(RepairRequest, repair.id).status == "assigned"
    # Someone who could never cancel gets the plain refusal, not a hint about work.
    with pytest.raises(services.RepairError, match="not possible now"):
        services.act(repair, people["stranger"], "cancel", version=repair.version)


def test_co_reporters_hear_each_step_but_only_the_requester_is_asked_to_confirm(people, make_user, make_repair):
    repair = make_repair(requester=people["requester"])
    neighbour = make_user(name="邻座 Neighbour")
    services.add_report(repair, neighbour, "我这边也不冷 mine too", [])
    tech = people["assignee"]
    for action, extra in (("take", {}), ("start", {}), ("complete", {"note": "done"})):
        services.act(repair, tech, action, version=repair.version, **extra)
    services.act(repair, people["requester"], "confirm", version=repair.version)
    heard = _messages(neighbour)
    assert len(heard) == 4 and "has taken it" in heard[0] and "started work" in heard[1]
    assert heard[2] == f"Repair request #{repair.id}, which you added your report to, is done."
    assert "confirmed fixed" in heard[3]
    assert "Please confirm" in _messages(people["requester"])[-1]


def test_a_new_report_reaches_the_earlier_co_reporters_too(people, make_user, make_repair):
    repair = make_repair(requester=people["requester"])
    first, second = make_user(), make_user(name="第二位 Second")
    services.add_report(repair, first, "one", [])
    services.add_report(repair, second, "two", [])
    assert _messages(first) == [f"第二位 Second added a report to repair request #{repair.id}."]
    assert _messages(second) == []
