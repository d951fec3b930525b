"""Numbers for the office dashboard card: open work, overdue, response and fix times, worst equipment.

Open work and overdue are counted live. The month's figures (median response and fix times, the
equipment with most faults) are those of the 30 days up to yesterday's close: they read a month of
requests, and as of a day's close no later write can change them, so they are worked out once a day
(app/fragments.py keeps them) instead of on every first view of the office's home page.
"""
from datetime import timedelta

from sqlalchemy import case, func, select

from app.extensions import db
from app.fragments import kept_for_the_day
from app.timeutil import day_bounds, today, utcnow

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


def _median(end, window, until, count: int) -> timedelta | None:
    """The median time from filing to `end` (before `until`) over the window, in the database: only the
    middle one or two values are read, instead of a month of rows fetched into Python."""
    if not count:
        return None
    span = _seconds(R.created_at, end)
    middle = list(db.session.scalars(select(span).where(*window, end < until).order_by(span)
                                     .offset((count - 1) // 2).limit(2 - count % 2)))
    return timedelta(seconds=round(sum(middle) / len(middle)))


def _top_equipment(window) -> list[tuple[int, int]]:
    """(equipment id, faults), most first. Ids only: what is kept for the day must not hold rows."""
    # Grouped by an expression, not the bare column: grouping by the column makes SQLite walk the whole
    # equipment index (a year of requests) to skip a sort, instead of the window's created_at range.
    equipment_id = (R.equipment_id + 0).label("equipment_id")
    return [tuple(row) for row in db.session.execute(
        select(equipment_id, func.count()).where(*window, R.equipment_id.is_not(None))
        .group_by(equipment_id).order_by(func.count().desc(), equipment_id).limit(5))]


def office_summary() -> dict:
    """Open requests by status (Status members), overdue count, and the month's figures to yesterday."""
    now = utcnow()
    # Overdue is counted with the open work, per status, in the same pass over the status index: the
    # overdue clause only ever matches open statuses.
    counted = db.session.execute(
        select(R.status, func.count(), func.count(case((overdue_clause(now), 1))))
        .where(R.status.in_(OPEN_STATUSES)).group_by(R.status)).all()
    by_status = {status: count for status, count, _overdue in counted}
    month = kept_for_the_day("repairs: 30 days to yesterday", month_figures)
    equipment = {e.id: e for e in db.session.scalars(
        select(Equipment).where(Equipment.id.in_([ident for ident, _n in month["top_equipment"]])))}
    return {
        "by_status": [(status, by_status.get(status, 0)) for status in OPEN_STATUSES],
        "overdue": sum(overdue for _status, _count, overdue in counted),
        "median_response": month["median_response"],
        "median_fix": month["median_fix"],
        # Names are read now, so a renamed machine shows its new name at once.
        "top_equipment": [(equipment[ident], count) for ident, count in month["top_equipment"]
                          if ident in equipment],
    }


def month_figures(day=None) -> dict:
    """Requests filed in the 30 days before `day` (today): median times to first response and to fix among
    those answered and fixed before `day` began, and the five pieces of equipment with most faults."""
    since, until = day_bounds((day or today()) - timedelta(days=WINDOW_DAYS), (day or today()) - timedelta(days=1))
    window = (R.created_at >= since, R.created_at < until)
    responded, done = db.session.execute(
        select(func.count(case((R.responded_at < until, 1))), func.count(case((R.done_at < until, 1))))
        .where(*window)).one()
    return {
        "median_response": _median(R.responded_at, window, until, responded),
        "median_fix": _median(R.done_at, window, until, done),
        "top_equipment": _top_equipment(window),
    }
