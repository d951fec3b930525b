"""Numbers for the office dashboard card: open work, overdue, response and fix times, worst equipment."""
from datetime import timedelta

from sqlalchemy import case, func, select

from app.extensions import db
from app.timeutil import utcnow

from .models import Equipment
from .models import RepairRequest as R
from .queries import overdue_clause
from .workflow import OPEN_STATUSES

WINDOW_DAYS = 30


def _seconds(start, end):
    """SQL for the seconds from `start` to `end`; SQLite has no interval type, PostgreSQL has no julianday."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _median(end, since, count: int) -> timedelta | None:
    """The median time from filing to `end` over the window, in the database: only the middle one or two
    values are read, instead of a month of rows fetched into Python."""
    if not count:
        return None
    span = _seconds(R.created_at, end)
    middle = list(db.session.scalars(select(span).where(R.created_at >= since, end.is_not(None)).order_by(span)
                                     .offset((count - 1) // 2).limit(2 - count % 2)))
    return timedelta(seconds=round(sum(middle) / len(middle)))


def _top_equipment(since) -> list:
    # Grouped by an expression, not the bare column: grouping by the column makes SQLite walk the whole
    # equipment index (a year of requests) to skip a sort, instead of the window's created_at range.
    equipment_id = (R.equipment_id + 0).label("equipment_id")
    faults = db.session.execute(
        select(equipment_id, func.count()).where(R.created_at >= since, R.equipment_id.is_not(None))
        .group_by(equipment_id).order_by(func.count().desc(), equipment_id).limit(5)).all()
    equipment = {e.id: e for e in db.session.scalars(
        select(Equipment).where(Equipment.id.in_([ident for ident, _n in faults])))}
    return [(equipment[ident], count) for ident, count in faults]


def office_summary() -> dict:
    """Open requests by status (Status members), overdue count, 30-day median times, most-faulted equipment."""
    now = utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    # Overdue is counted with the open work, per status, in the same pass over the status index: the
    # overdue clause only ever matches open statuses.
    counted = db.session.execute(
        select(R.status, func.count(), func.count(case((overdue_clause(now), 1))))
        .where(R.status.in_(OPEN_STATUSES)).group_by(R.status)).all()
    by_status = {status: count for status, count, _overdue in counted}
    responded, done = db.session.execute(
        select(func.count(R.responded_at), func.count(R.done_at)).where(R.created_at >= since)).one()
    return {
        "by_status": [(status, by_status.get(status, 0)) for status in OPEN_STATUSES],
        "overdue": sum(overdue for _status, _count, overdue in counted),
        "median_response": _median(R.responded_at, since, responded),
        "median_fix": _median(R.done_at, since, done),
        "top_equipment": _top_equipment(since),
    }
