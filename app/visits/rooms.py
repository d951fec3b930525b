"""A visit's room comes from the shared room list (app/rooms): the visit holds it with a booking, and the
checklist's "test the projector" step (owner: technical staff) is the booking's equipment check, ticked by
the technical department on the check's page."""
from typing import NamedTuple

from sqlalchemy import select, update

from app.extensions import db
from app.rooms import checks, holds
from app.rooms.models import Booking, EquipmentCheck
from app.rooms.workflow import CheckStatus
from app.timeutil import utcnow

from .models import EventAction, Responsible, Visit, VisitEvent, VisitStep
from .workflow import StepState


def _technical_steps(visit_id: int):
    return select(VisitStep).where(VisitStep.visit_id == visit_id, VisitStep.responsible == Responsible.TECHNICAL.value)


def needs_equipment(visit: Visit) -> bool:
    return any(step.responsible == Responsible.TECHNICAL for step in visit.steps)


def hold_room(visit: Visit) -> None:
    """Book (or move, or let go) the visit's room; SlotTaken when another booking holds it then."""
    holds.hold_for_visit(visit, visit.owner or visit.host, needs_equipment(visit))


def equipment_check(visit_id: int):
    """The equipment check of the booking that holds the visit's room, if it has one."""
    booking = holds.booking_of_visit(visit_id)
    return booking.check if booking is not None else None


class ShownCheck(NamedTuple):
    """What the visit page shows of the equipment check: a link to it and its status."""
    id: int
    status_enum: CheckStatus


def shown_equipment_check(visit: Visit) -> ShownCheck | None:
    """The visit page's equipment check (as `equipment_check` finds it), read only for a checklist with a
    technical step and as two columns: the booking and check with their organiser, assignee and their roles
    were five statements on every visit page."""
    if not needs_equipment(visit):
        return None
    row = db.session.execute(select(EquipmentCheck.id, EquipmentCheck.status).select_from(Booking)
                             .outerjoin(EquipmentCheck, EquipmentCheck.booking_id == Booking.id)
                             .where(Booking.visit_id == visit.id).order_by(Booking.id.desc()).limit(1)).first()
    return ShownCheck(row.id, CheckStatus(row.status)) if row is not None and row.id is not None else None


def check_for_technician(user, visit_id: int):
    """A technical person may not see the visit (its visitors are private), but its equipment check is theirs:
    the visit's link takes them to the check, where they tick it (None: not theirs, the visit stays a 404)."""
    check = equipment_check(visit_id)
    return check if check is not None and checks.may_tick(user, check) else None


def touch(visit_id: int) -> None:
    db.session.execute(update(Visit).where(Visit.id == visit_id).values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))


def equipment_checked(booking, user, ok: bool, note: str) -> None:
    """The technical person ticked the visit's equipment check: "OK" ticks the open technical steps, a
    problem is noted on them; both in the visit's history (the caller commits)."""
    if booking.visit_id is None:
        return
    for step in db.session.scalars(_technical_steps(booking.visit_id).where(VisitStep.state == StepState.OPEN.value)):
        if ok:
            step.state, step.done_by_id, step.done_at = StepState.DONE.value, user.id, utcnow()
            step.version += 1
        else:
            step.note = note[:500]
        db.session.add(VisitEvent(visit_id=booking.visit_id, step_id=step.id,
                                  step_version=step.version if ok else None,
                                  action=(EventAction.TICK if ok else EventAction.NOTE).value, user_id=user.id,
                                  text="" if ok else note[:500]))
