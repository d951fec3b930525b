"""What `flask tick` runs for repairs: escalation of requests nobody took, and auto-confirmation.

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

from . import audience
from .audience import detail_link
from .models import EventKind, RepairEvent, RepairRequest
from .workflow import Status

R = RepairRequest


def _late(now):
    """Still unanswered past the first-response time, and not escalated yet."""
    return (R.status == Status.SUBMITTED, R.responded_at.is_(None), R.escalated_at.is_(None), R.response_due < now)


def _claim(repair_id: int, conditions, **values) -> bool:
    """Change the request only if it still meets `conditions`; True when this run made the change."""
    result = db.session.execute(update(R).where(R.id == repair_id, *conditions).values(**values)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def escalate_overdue() -> str:
    """Nobody took a request before its first-response time ran out: tell office and all maintenance."""
    now = utcnow()
    late = list(db.session.scalars(select(R).where(*_late(now)).order_by(R.id)))
    if not late:
        return "0 escalated"
    people = users_with_role(Role.OFFICE) + users_with_role(Role.MAINTENANCE)
    staff = {p.id for p in people}
    reporters = audience.co_reporters(r.id for r in late)
    escalated = 0
    for repair in late:
        # The version is left alone: being escalated is not a change a person taking the request
        # should be told they lost a race to.
        if not _claim(repair.id, _late(now), escalated_at=now):
            continue  # taken meanwhile, or another run escalated it
        escalated += 1
        db.session.add(RepairEvent(repair_id=repair.id, actor_id=None, kind=EventKind.ESCALATED,
                                   status=Status.SUBMITTED))
        link = detail_link(repair.id)
        notify(people, _l("Escalated: nobody has taken repair request #%(id)d at %(place)s in time.",
                          id=repair.id, place=repair.location.label), link=link, kind=Kind.REPAIR_URGENT,
               commit=False)
        # Staff who filed it already heard the escalation above.
        waiting = [p for p in audience.requesters(repair, reporters.get(repair.id, [])) if p.id not in staff]
        notify(waiting, _l("Your repair request #%(id)d was not taken in time, so the office and all maintenance "
                           "staff have been alerted.", id=repair.id), link=link, kind=Kind.REPAIR_UPDATE,
               commit=False)
    db.session.commit()
    return f"{escalated} escalated"


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
