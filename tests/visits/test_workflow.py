"""The visit and checklist-step machines: every move from every state by every kind of person, allowed or refused."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.auth.roles import Role
from app.errors import Conflict, Refused
from app.extensions import db
from app.timeutil import utcnow
from app.visits import services, steps, workflow
from app.visits.models import Visit, VisitEvent, VisitStep
from app.visits.workflow import STEP_TRANSITIONS, TRANSITIONS, StepState, VisitStatus
from tests.visits.conftest import visit_data

ACTORS = ("office", "reception", "host", "cohost", "owner", "admin", "stranger")
CHECKLIST = {"office", "reception", "host", "cohost", "owner"}
# Written out by hand from the README (Visitor reception), not derived from TRANSITIONS, so the table is
# really tested. "owner" here is a plain employee named owner, so that the relation is tested apart from the
# office role that real owners also hold.
ALLOWED = {
    ("accept", "requested"): {"office"},
    ("edit", "requested"): {"office", "reception", "owner"},
    ("edit", "planned"): {"office", "reception", "owner"},
    ("edit", "in_progress"): {"office", "reception", "owner"},
    ("tick", "planned"): CHECKLIST,
    ("tick", "in_progress"): CHECKLIST,
    ("arrive", "planned"): {"office", "reception"},
    ("depart", "in_progress"): {"office", "reception"},
    ("complete", "in_progress"): set(),  # never by hand: it follows the departure or the last step
    ("cancel", "requested"): {"office", "host", "owner"},
    ("cancel", "planned"): {"office", "host", "owner"},
}
TARGET = {"accept": "planned", "arrive": "in_progress", "cancel": "cancelled"}
CASES = [(name, status) for name in TRANSITIONS if name != "complete" for status in VisitStatus]

STEP_ALLOWED = {
    ("tick", "open"): "done", ("skip", "open"): "skipped", ("untick", "done"): "open",
    ("untick", "skipped"): "open", ("undo", "done"): "open",
    ("note", "open"): "open", ("note", "done"): "done", ("note", "skipped"): "skipped",
}
STEP_CASES = [(name, state) for name in STEP_TRANSITIONS for state in StepState]


@pytest.fixture(autouse=True)
def english(app):
    """Messages outside a request are in the office's default language; these tests read English."""
    with force_locale("en"):
        yield


def test_the_tables_cover_every_move_of_the_readme():
    assert {(n, s) for n, t in TRANSITIONS.items() for s in t.sources} == set(ALLOWED)
    assert {(n, s) for n, t in STEP_TRANSITIONS.items() for s in t.sources} == set(STEP_ALLOWED)


@pytest.fixture
def people(make_user):
    return {"office": make_user(Role.OFFICE), "reception": make_user(Role.RECEPTION), "host": make_user(),
            "cohost": make_user(), "owner": make_user(), "admin": make_user(Role.ADMIN), "stranger": make_user()}


def _visit_in(status: str, people) -> Visit:
    """A fresh visit in `status`, hosted, co-hosted and owned by the people of the table."""
    arrival = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    visit = services.create_visit(people["office"], visit_data(
        people["host"], people["office"], arrival=arrival, cohost_ids=[people["cohost"].id],
        organisation=f"华为 Huawei {db.session.scalar(select(func.count()).select_from(Visit))}"))
    visit.owner_id = people["owner"].id
    visit.status = status
    if status in ("in_progress", "completed"):
        visit.arrived_at = utcnow()
    db.session.commit()
    return visit


def _attempt(visit: Visit, name: str, user, people) -> None:
    if name == "accept":
        services.accept(user, visit, people["office"].id)
    elif name == "edit":
        data = visit_data(people["host"], people["office"], arrival=visit.expected_arrival,
                          organisation=visit.organisation, cohost_ids=[people["cohost"].id], purpose="改了 changed")
        services.update_visit(user, visit, data, visit.version)
    elif name == "tick":
        steps.tick(visit.steps[0], user)
    elif name == "arrive":
        services.record_arrival(user, visit)
    elif name == "depart":
        services.record_departure(user, visit)
    elif name == "cancel":
        services.cancel(user, visit, "客户改期")


def _events(visit_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(VisitEvent).where(VisitEvent.visit_id == visit_id))


@pytest.mark.parametrize("name, status", CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_move_by_each_actor(people, name, status):
    """One fresh visit per actor, so each attempt starts from `status`."""
    for actor in ACTORS:
        visit = _visit_in(status, people)
        before = _events(visit.id)
        allowed = actor in ALLOWED.get((name, status), set())
        if allowed:
            _attempt(visit, name, people[actor], people)
            db.session.expire_all()
            stored = db.session.get(Visit, visit.id)
            assert stored.status == TARGET.get(name, status), f"{actor} {name} from {status}"
            assert _events(visit.id) > before
        else:
            # Someone the table never lets is refused; a visit in another status is a lost race (409).
            with pytest.raises((Refused, Conflict)):
                _attempt(visit, name, people[actor], people)
            db.session.rollback()
            assert db.session.get(Visit, visit.id).status == status, f"{actor} could {name} from {status}"
            assert _events(visit.id) == before


def test_nobody_completes_a_visit_by_hand(people):
    visit = _visit_in("in_progress", people)
    assert not any(workflow.can(people[actor], visit, "complete") for actor in ACTORS)


def test_a_stranger_is_refused_and_a_wrong_status_is_a_conflict(people):
    planned = _visit_in("planned", people)
    with pytest.raises(services.VisitError, match="not yours"):
        services.record_arrival(people["stranger"], planned)
    with pytest.raises(services.VisitConflict, match="departure of these visitors"):
        services.record_departure(people["reception"], planned)


def _step_in(state: str, people) -> VisitStep:
    visit = _visit_in("planned", people)
    step = visit.steps[0]
    if state != "open":
        step.state, step.done_by_id, step.done_at = state, people["reception"].id, utcnow()
        db.session.commit()
    return step


def _change(step: VisitStep, name: str, user) -> None:
    if name in ("skip", "untick"):
        getattr(steps, name)(step, user, "理由 reason")
    elif name == "undo":
        steps.undo_tick(step, user)
    elif name == "note":
        steps.set_note(step, user, "备注 note")
    else:
        steps.tick(step, user)


@pytest.mark.parametrize("name, state", STEP_CASES, ids=[f"{n}-from-{s}" for n, s in STEP_CASES])
def test_step_change_from_each_state(people, name, state):
    step = _step_in(state, people)
    target = STEP_ALLOWED.get((name, state))
    if target is not None:
        _change(step, name, people["reception"])
        db.session.expire_all()
        assert db.session.get(VisitStep, step.id).state == target
    else:
        with pytest.raises((steps.StepError, steps.StepConflict)):
            _change(step, name, people["reception"])
        db.session.rollback()
        assert db.session.get(VisitStep, step.id).state == state


@pytest.mark.parametrize("name", ["skip", "untick"])
def test_skipping_and_reopening_need_a_reason(people, name):
    step = _step_in("open" if name == "skip" else "done", people)
    with pytest.raises(steps.StepError, match="Give a reason") as refused:
        getattr(steps, name)(step, people["reception"], "  ")
    assert refused.value.field == "reason"
