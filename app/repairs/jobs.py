"""What `flask tick` runs for repairs: escalation (two levels) of requests nobody took, and auto-confirmation.

Each job runs exactly once per request even when two runs overlap (a slow run and the next, or a
runner on each machine): a request is claimed with a conditional UPDATE (rowcount 1 means "mine") in
the same transaction as its timeline entry and notifications. A run that dies before its commit
leaves nothing sent and nothing claimed, so the next run does the work, once.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.notifications import Kind, notify
from app.timeutil import utcnow

from . import audience, roster, sla
from .audience import detail_link
from .models import EventKind, RepairEvent, RepairRequest, Urgency
from .sla import parse_span
from .workflow import Status

R = RepairRequest

# The levels a request nobody takes climbs (issue 11): at filing the on-duty person (after hours) or
# maintenance hears of it; past its first-response time all maintenance, the on-duty person among them;
# a further REPAIRS_ESCALATE_OFFICE_AFTER later, the office.
MAINTENANCE_LEVEL, OFFICE_LEVEL = 1, 2


def _unclaimed():
    return (R.status == Status.SUBMITTED, R.responded_at.is_(None))


def _due_for(level: int, now):
    """Still unanswered and due for `level`: past the response time, then the further interval."""
    if level == MAINTENANCE_LEVEL:
        return (*_unclaimed(), R.escalation_level == 0, R.response_due < now)
    wait = parse_span(current_app.config["REPAIRS_ESCALATE_OFFICE_AFTER"])
    return (*_unclaimed(), R.escalation_level == MAINTENANCE_LEVEL, R.escalated_at <= now - wait)


def _claim(repair_id: int, conditions, **values) -> bool:
    """Change the request only if it still meets `conditions`; True when this run made the change."""
    result = db.session.execute(update(R).where(R.id == repair_id, *conditions).values(**values)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _is_urgent(repair) -> bool:
    """Emergencies, urgent requests and those filed after hours push and ignore quiet hours."""
    return repair.urgency != Urgency.NORMAL or sla.is_after_hours(repair.created_at)


STAFF_MESSAGES = {
    MAINTENANCE_LEVEL: lambda r: _l("Escalated: nobody has taken repair request #%(id)d at %(place)s in time.",
                                    id=r.id, place=r.location.label),
    OFFICE_LEVEL: lambda r: _l("Escalated to the office: repair request #%(id)d at %(place)s is still not "
                               "taken by maintenance.", id=r.id, place=r.location.label),
}
WAITING_MESSAGES = {
    MAINTENANCE_LEVEL: lambda r: _l("Your repair request #%(id)d was not taken in time, so all maintenance "
                                    "staff have been alerted.", id=r.id),
    OFFICE_LEVEL: lambda r: _l("Your repair request #%(id)d is still not taken, so the office has been "
                               "alerted.", id=r.id),
}
EVENT_KINDS = {MAINTENANCE_LEVEL: EventKind.ESCALATED, OFFICE_LEVEL: EventKind.ESCALATED_OFFICE}


def _staff(level: int, now) -> list:
    """Who a level alerts: all maintenance (the on-duty person first), then the office."""
    if level == MAINTENANCE_LEVEL:
        return [roster.on_duty_at(now)] + users_with_role(Role.MAINTENANCE)
    return users_with_role(Role.OFFICE)


def _escalate(repair, level: int, staff: list, reporters: list) -> None:
    """Record the level in the timeline and tell the level's people and those waiting for the fix."""
    db.session.add(RepairEvent(repair_id=repair.id, actor_id=None, kind=EVENT_KINDS[level],
                               status=Status.SUBMITTED))
    link = detail_link(repair.id)
    kind = Kind.REPAIR_URGENT if _is_urgent(repair) else Kind.REPAIR_UPDATE
    notify(staff, STAFF_MESSAGES[level](repair), link=link, kind=kind, commit=False)
    # Staff who filed it (or added their report) already heard the escalation above.
    ids = {p.id for p in staff if p}
    waiting = [p for p in audience.requesters(repair, reporters) if p.id not in ids]
    notify(waiting, WAITING_MESSAGES[level](repair), link=link, kind=Kind.REPAIR_UPDATE, commit=False)


def _escalate_level(level: int, now) -> int:
    late = list(db.session.scalars(select(R).where(*_due_for(level, now)).order_by(R.id)))
    if not late:
        return 0
    staff = _staff(level, now)
    reporters = audience.co_reporters(r.id for r in late)
    escalated = 0
    for repair in late:
        # The version is left alone: being escalated is not a change a person taking the request
        # should be told they lost a race to.
        if not _claim(repair.id, _due_for(level, now), escalation_level=level, escalated_at=now):
            continue  # taken meanwhile, or another run escalated it
        escalated += 1
        _escalate(repair, level, staff, reporters.get(repair.id, []))
    return escalated


def escalate_overdue() -> str:
    """Nobody took a request in time: all maintenance first, the office a further interval later.
    The office level runs first, so one run never climbs a request two levels at once."""
    now = utcnow()
    to_office = _escalate_level(OFFICE_LEVEL, now)
    to_maintenance = _escalate_level(MAINTENANCE_LEVEL, now)
    db.session.commit()
    return f"{to_maintenance + to_office} escalated ({to_maintenance} to maintenance, {to_office} to the office)"


def _unanswered(cutoff):
    return (R.status == Status.DONE, R.done_at < cutoff)


def auto_confirm() -> str:
    """A done request the requester has not answered within N days counts as confirmed."""
    now = utcnow()
    days = int(current_app.config["REPAIRS_AUTO_CONFIRM_DAYS"])
    cutoff = now - timedelta(days=days)
    stale = list(db.session.scalars(select(R).where(*_unanswered(cutoff)).order_by(R.id)))
    reporters = audience.co_reporters(r.id for r in stale)
    confirmed = 0
    for repair in stale:
        # The version moves on, so a requester's confirm or reopen from a page drawn before is told
        # the request changed, instead of acting on a state that is gone.
        if not _claim(repair.id, _unanswered(cutoff), status=Status.CONFIRMED, closed_at=now,
                      version=R.version + 1):
            continue  # the requester answered meanwhile, or another run confirmed it
        confirmed += 1
        db.session.add(RepairEvent(repair_id=repair.id, actor_id=None, kind=EventKind.AUTO_CONFIRMED,
                                   status=Status.CONFIRMED))
        notify([*audience.requesters(repair, reporters.get(repair.id, [])), repair.assignee],
               _l("Repair request #%(id)d was confirmed automatically after %(days)d days without an answer.",
                  id=repair.id, days=days), link=detail_link(repair.id), kind=Kind.REPAIR_UPDATE, commit=False)
    db.session.commit()
    return f"{confirmed} auto-confirmed"
