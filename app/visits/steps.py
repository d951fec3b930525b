"""Working a visit's checklist: ticking, skipping, reopening and noting its steps, on the visit page and the
front-desk board. Each change is a compare-and-set on the step's state (the step table in workflow.py), so
two people ticking at once give one result and one history entry."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, Refused
from app.extensions import db
from app.timeutil import utcnow

from . import services, workflow
from .checklist import UNDO_WINDOW, can_undo
from .models import EventAction, Visit, VisitEvent, VisitStep
from .workflow import STEP_TRANSITIONS, StepState


class StepError(Refused):
    """The change is not the user's to make, or lacks its reason; `field` names the form field."""


class StepConflict(Conflict):
    """The step changed under the user's hands (someone else ticked it first); the message says how."""


def _guard(step: VisitStep, user, name: str, text: str = "") -> None:
    visit = step.visit
    if not workflow.permitted(user, visit, "tick"):
        raise StepError(services.NOT_YOURS)
    if visit.status not in workflow.TRANSITIONS["tick"].sources:
        raise StepConflict(workflow.CONFLICT_MESSAGES["tick"])
    if STEP_TRANSITIONS[name].note_required and not text.strip():
        raise StepError(_l("Give a reason."), "reason")


def _change(step: VisitStep, user, name: str, values: dict, text: str = "", *, only_mine: bool = False,
            event: str | None = None) -> None:
    """Compare-and-set on the step's state: of two people ticking at once, one wins and one history entry is
    written; the other gets StepConflict and sees the current state. The visit completes with its last step
    once the visitors have left."""
    _guard(step, user, name, text)
    rule = STEP_TRANSITIONS[name]
    _touch(step.visit_id)  # the visit's row first, as every write on a visit does: no two orders, no deadlock
    condition = [VisitStep.id == step.id, VisitStep.state.in_([str(s) for s in rule.sources]), _visit_allows_ticks()]
    if only_mine:
        condition.append(VisitStep.done_by_id == user.id)
    result = db.session.execute(
        update(VisitStep).where(*condition).values(**values, state=rule.target.value, version=VisitStep.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _lost(step)
    new_version = db.session.scalar(select(VisitStep.version).where(VisitStep.id == step.id))
    db.session.add(VisitEvent(visit_id=step.visit_id, step_id=step.id, step_version=new_version,
                              action=event or name, user_id=user.id, text=text[:500]))
    try:
        db.session.flush()
    except IntegrityError:
        _lost(step)
    db.session.refresh(step)
    db.session.refresh(step.visit)
    services.complete_if_done(step.visit, user)
    db.session.commit()


def _visit_allows_ticks():
    """The visit is still planned or under way as the write happens (not cancelled or completed meanwhile)."""
    sources = [str(s) for s in workflow.TRANSITIONS["tick"].sources]
    return VisitStep.visit_id.in_(select(Visit.id).where(Visit.status.in_(sources)))


def _lost(step: VisitStep):
    """Roll back and say what happened to the step (or its visit) meanwhile."""
    step_id, visit_id = step.id, step.visit_id
    db.session.rollback()
    db.session.expire_all()
    current = db.session.get(VisitStep, step_id)
    visit = db.session.get(Visit, visit_id)
    if current is None:
        raise StepConflict(_l("This step is no longer on the checklist: the visit changed a moment ago."))
    if visit.status not in workflow.TRANSITIONS["tick"].sources:
        raise StepConflict(workflow.CONFLICT_MESSAGES["tick"])
    raise StepConflict(_conflict_message(current))


def _touch(visit_id: int) -> None:
    """Bump the visit's change time: the front-desk board's poll compares it."""
    db.session.execute(update(Visit).where(Visit.id == visit_id).values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))


def _conflict_message(step: VisitStep):
    if step.state == StepState.OPEN:
        return _l("Someone else reopened this step a moment ago; it is shown as it is now.")
    who = step.done_by.name if step.done_by else ""
    return _l("%(name)s already marked this step “%(state)s” a moment ago; it is shown as it is now.",
              name=who, state=step.state_label)


def tick(step: VisitStep, user) -> None:
    _change(step, user, "tick", {"done_by_id": user.id, "done_at": utcnow()})


def undo_tick(step: VisitStep, user) -> None:
    """Take back one's own recent tick; the history keeps the tick and the undo, the reason says why."""
    if not can_undo(step, user, utcnow()):
        raise StepError(_l("Only your own tick of the last %(num)d minutes can be undone here; reopen the "
                           "step from the visit's checklist and say why.", num=UNDO_WINDOW.seconds // 60))
    _change(step, user, "undo", {"done_by_id": None, "done_at": None},
            str(_l("Undone on the front desk (wrong tap)")), only_mine=True, event="untick")


def skip(step: VisitStep, user, reason: str) -> None:
    """Skipping needs a reason: a visit completes only when every step is done or knowingly skipped."""
    _change(step, user, "skip", {"done_by_id": user.id, "done_at": utcnow(), "skip_reason": reason.strip()[:500]},
            reason.strip())


def untick(step: VisitStep, user, reason: str) -> None:
    """Reopen a done or skipped step; the reason joins the history next to the original tick."""
    _change(step, user, "untick", {"done_by_id": None, "done_at": None, "skip_reason": ""}, reason.strip())


def set_note(step: VisitStep, user, note: str) -> None:
    """A note on a step, in whatever state: kept on the step and in the history."""
    _guard(step, user, "note")
    _touch(step.visit_id)
    noted = db.session.execute(update(VisitStep).where(VisitStep.id == step.id, _visit_allows_ticks())
                               .values(note=note[:500]).execution_options(synchronize_session=False)).rowcount
    if noted != 1:
        _lost(step)
    db.session.add(VisitEvent(visit_id=step.visit_id, step_id=step.id, action=EventAction.NOTE.value, user_id=user.id,
                              text=note[:500]))
    db.session.commit()
    db.session.refresh(step)
