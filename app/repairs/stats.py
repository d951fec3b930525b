"""Numbers for the office dashboard card: open work, overdue, response and fix times, worst equipment."""
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.timeutil import utcnow

from .lists import overdue_clause
from .models import OPEN_STATUSES, Equipment, RepairRequest as R

WINDOW_DAYS = 30


def _seconds(start, end):
    """SQL for the seconds from `start` to `end`; SQLite has no interval type, PostgreSQL has no julianday."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _median(start, end, since) -> timedelta | None:
    """The median span in the database: count, then read only the middle one or two values in order,
    instead of fetching a month of rows into Python (it was most of the office home page's time)."""
    span = _seconds(start, end)
    where = (R.created_at >= since, start.is_not(None), end.is_not(None))
    count = db.session.scalar(select(func.count()).select_from(R).where(*where))
    if not count:
        return None
    middle = list(db.session.scalars(select(span).where(*where).order_by(span)
                                     .offset((count - 1) // 2).limit(2 - count % 2)))
    return timedelta(seconds=round(sum(middle) / len(middle)))


def office_summary() -> dict:
    now = utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    by_status = dict(db.session.execute(
        select(R.status, func.count()).where(R.status.in_(OPEN_STATUSES)).group_by(R.status)).all())
    overdue = db.session.scalar(select(func.count()).select_from(R).where(overdue_clause(now)))
    faults = db.session.execute(
        select(R.equipment_id, func.count()).where(R.created_at >= since, R.equipment_id.is_not(None))
        .group_by(R.equipment_id).order_by(func.count().desc(), R.equipment_id).limit(5)).all()
    equipment = {e.id: e for e in db.session.scalars(
        select(Equipment).where(Equipment.id.in_([ident for ident, _n in faults])))}
    top = [(equipment[ident], count) for ident, count in faults]
    return {
        "by_status": [(status, by_status.get(status, 0)) for status in OPEN_STATUSES],
        "overdue": overdue,
        "median_response": _median(R.created_at, R.responded_at, since),
        "median_fix": _median(R.created_at, R.done_at, since),
        "top_equipment": top,
    }
