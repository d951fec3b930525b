"""The on-duty roster (值班表) and the jobs `flask tick` runs: escalation and auto-confirmation."""
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.notifications import notify
from app.timeutil import to_local, utcnow

from . import audience
from .links import detail_link
from .models import DutyShift, RepairEvent, RepairRequest

ROSTER_DAYS = 14


def _shift_bounds() -> tuple[time, time]:
    start, end = current_app.config.get("REPAIRS_DAY_SHIFT", ("08:00", "20:00"))
    return time.fromisoformat(start), time.fromisoformat(end)


def shift_at(moment_utc: datetime) -> tuple[date, str]:
    """The roster slot covering a moment: the night shift of day D runs on into the morning of D+1."""
    local = to_local(moment_utc)
    day_start, day_end = _shift_bounds()
    if day_start <= local.time() < day_end:
        return local.date(), "day"
    if local.time() >= day_end:
        return local.date(), "night"
    return local.date() - timedelta(days=1), "night"


def on_duty_at(moment_utc: datetime):
    day, shift = shift_at(moment_utc)
    slot = db.session.scalar(select(DutyShift).where(DutyShift.day == day, DutyShift.shift == shift))
    return slot.user if slot and slot.user.active else None


def roster(first_day: date, days: int = ROSTER_DAYS) -> dict:
    """{(day, shift): user} for the days shown on the roster page."""
    rows = db.session.scalars(select(DutyShift).where(DutyShift.day >= first_day,
                                                      DutyShift.day < first_day + timedelta(days=days)))
    return {(row.day, row.shift): row.user for row in rows}


def set_roster(first_day: date, choices: dict, days: int = ROSTER_DAYS) -> None:
    """Save the roster for the shown days; `choices` maps (day, shift) to a maintenance user id or None."""
    allowed = {u.id for u in users_with_role(Role.MAINTENANCE)}
    existing = {(r.day, r.shift): r for r in db.session.scalars(
        select(DutyShift).where(DutyShift.day >= first_day, DutyShift.day < first_day + timedelta(days=days)))}
    for key, user_id in choices.items():
        row = existing.get(key)
        if user_id not in allowed:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(DutyShift(day=key[0], shift=key[1], user_id=user_id))
        else:
            row.user_id = user_id
    db.session.commit()


def escalate_overdue() -> str:
    """Nobody took a request before its first-response time ran out: tell office and all maintenance."""
    now = utcnow()
    late = list(db.session.scalars(select(RepairRequest).where(
        RepairRequest.status == "submitted", RepairRequest.responded_at.is_(None),
        RepairRequest.escalated_at.is_(None), RepairRequest.response_due < now)))
    if not late:
        return "0 escalated"
    people = users_with_role(Role.OFFICE) + users_with_role(Role.MAINTENANCE)
    staff = {p.id for p in people}
    reporters = audience.co_reporters(r.id for r in late)
    for repair in late:
        repair.escalated_at = now
        db.session.add(RepairEvent(repair=repair, actor_id=None, kind="escalated", status=repair.status))
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
    days = int(current_app.config.get("REPAIRS_AUTO_CONFIRM_DAYS", 3))
    stale = list(db.session.scalars(select(RepairRequest).where(
        RepairRequest.status == "done", RepairRequest.done_at < now - timedelta(days=days))))
    reporters = audience.co_reporters(r.id for r in stale)
    for repair in stale:
        repair.status, repair.closed_at = "confirmed", now
        db.session.add(RepairEvent(repair=repair, actor_id=None, kind="auto_confirmed", status="confirmed"))
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
