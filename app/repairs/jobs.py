"""What `flask tick` runs for repairs: escalation of requests nobody took, and auto-confirmation."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.notifications import notify
from app.timeutil import utcnow

from . import audience
from .audience import detail_link
from .models import EventKind, RepairEvent, RepairRequest
from .workflow import Status


def escalate_overdue() -> str:
    """Nobody took a request before its first-response time ran out: tell office and all maintenance."""
    now = utcnow()
    late = list(db.session.scalars(select(RepairRequest).where(
        RepairRequest.status == Status.SUBMITTED, RepairRequest.responded_at.is_(None),
        RepairRequest.escalated_at.is_(None), RepairRequest.response_due < now)))
    if not late:
        return "0 escalated"
    people = users_with_role(Role.OFFICE) + users_with_role(Role.MAINTENANCE)
    staff = {p.id for p in people}
    reporters = audience.co_reporters(r.id for r in late)
    for repair in late:
        repair.escalated_at = now
        db.session.add(RepairEvent(repair=repair, actor_id=None, kind=EventKind.ESCALATED, status=repair.status))
        link = detail_link(repair.id)
        notify(people, _l("Escalated: nobody has taken repair request #%(id)d at %(place)s in time.",
                          id=repair.id, place=repair.location.label), link=link, commit=False)
        # Staff who filed it already heard the escalation above.
        waiting = [p for p in audience.requesters(repair, reporters.get(repair.id, [])) if p.id not in staff]
        notify(waiting, _l("Your repair request #%(id)d was not taken in time, so the office and all maintenance "
                           "staff have been alerted.", id=repair.id), link=link, commit=False)
    return _commit(f"{len(late)} escalated")


def auto_confirm() -> str:
    """A done request the requester has not answered within N days counts as confirmed."""
    now = utcnow()
    days = int(current_app.config["REPAIRS_AUTO_CONFIRM_DAYS"])
    stale = list(db.session.scalars(select(RepairRequest).where(
        RepairRequest.status == Status.DONE, RepairRequest.done_at < now - timedelta(days=days))))
    reporters = audience.co_reporters(r.id for r in stale)
    for repair in stale:
        repair.status, repair.closed_at = Status.CONFIRMED, now
        db.session.add(RepairEvent(repair=repair, actor_id=None, kind=EventKind.AUTO_CONFIRMED,
                                   status=Status.CONFIRMED))
        notify([*audience.requesters(repair, reporters.get(repair.id, [])), repair.assignee],
               _l("Repair request #%(id)d was confirmed automatically after %(days)d days without an answer.",
                  id=repair.id, days=days), link=detail_link(repair.id), commit=False)
    return _commit(f"{len(stale)} auto-confirmed")


def _commit(summary: str) -> str:
    """A person may act on a request while the job runs; then the job yields and retries next tick."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return "a request changed meanwhile; retrying at the next tick"
    return summary
