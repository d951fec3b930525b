"""The on-duty roster (值班表): who from maintenance is on duty for a shift, and the office keeping it."""
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import bindparam, select

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.timeutil import to_local

from .models import DutyShift, Shift

ROSTER_DAYS = 14


def _shift_bounds() -> tuple[time, time]:
    start, end = current_app.config["REPAIRS_DAY_SHIFT"]
    return time.fromisoformat(start), time.fromisoformat(end)


def shift_at(moment_utc: datetime) -> tuple[date, Shift]:
    """The roster slot covering a moment: the night shift of day D runs on into the morning of D+1."""
    local = to_local(moment_utc)
    day_start, day_end = _shift_bounds()
    if day_start <= local.time() < day_end:
        return local.date(), Shift.DAY
    if local.time() >= day_end:
        return local.date(), Shift.NIGHT
    return local.date() - timedelta(days=1), Shift.NIGHT


def on_duty_at(moment_utc: datetime):
    """The maintenance person on duty at that moment, or None when the slot is empty (or they left)."""
    day, shift = shift_at(moment_utc)
    slot = db.session.scalar(select(DutyShift).where(DutyShift.day == day, DutyShift.shift == shift))
    return slot.user if slot and slot.user.active else None


def on_duty_id_at(moment_utc: datetime) -> int | None:
    """The id of the person on_duty_at names, read as one column: the queue only asks whether it is the
    reader, and loading the shift with its person (department and roles) cost more than the rest of the check."""
    day, shift = shift_at(moment_utc)
    return db.session.scalar(_ON_DUTY_ID, {"day": day, "shift": shift})


# Built once, the slot as parameters: building it (and its cache key) each time cost more than its answer.
_ON_DUTY_ID = (select(DutyShift.user_id).join(User, User.id == DutyShift.user_id)
               .where(DutyShift.day == bindparam("day"), DutyShift.shift == bindparam("shift"), User.active.is_(True)))


def _slots(first_day: date, days: int):
    return select(DutyShift).where(DutyShift.day >= first_day, DutyShift.day < first_day + timedelta(days=days))


def roster(first_day: date, days: int = ROSTER_DAYS) -> dict:
    """{(day, shift): user} for the days shown on the roster page."""
    return {(row.day, row.shift): row.user for row in db.session.scalars(_slots(first_day, days))}


def set_roster(first_day: date, choices: dict, days: int = ROSTER_DAYS) -> None:
    """Save the roster for the shown days; `choices` maps (day, shift) to a maintenance user id or None."""
    allowed = {u.id for u in users_with_role(Role.MAINTENANCE)}
    existing = {(r.day, r.shift): r for r in db.session.scalars(_slots(first_day, days))}
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
