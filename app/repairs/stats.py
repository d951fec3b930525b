"""Numbers for the office dashboard card: open work, overdue, response and fix times, worst equipment."""
from datetime import timedelta
from statistics import median

from sqlalchemy import func, select

from app.extensions import db
from app.timeutil import utcnow

from .lists import overdue_clause
from .models import OPEN_STATUSES, Equipment, RepairRequest as R

WINDOW_DAYS = 30


def _median(pairs) -> timedelta | None:
    spans = [(end - start).total_seconds() for start, end in pairs if start and end]
    return timedelta(seconds=median(spans)) if spans else None


def office_summary() -> dict:
    now = utcnow()
    since = now - timedelta(days=WINDOW_DAYS)
    by_status = dict(db.session.execute(
        select(R.status, func.count()).where(R.status.in_(OPEN_STATUSES)).group_by(R.status)).all())
    overdue = db.session.scalar(select(func.count()).select_from(R).where(overdue_clause(now)))
    recent = db.session.execute(select(R.created_at, R.responded_at, R.done_at)
                                .where(R.created_at >= since)).all()
    faults = db.session.execute(
        select(R.equipment_id, func.count()).where(R.created_at >= since, R.equipment_id.is_not(None))
        .group_by(R.equipment_id).order_by(func.count().desc(), R.equipment_id).limit(5)).all()
    equipment = {e.id: e for e in db.session.scalars(
        select(Equipment).where(Equipment.id.in_([ident for ident, _n in faults])))}
    top = [(equipment[ident], count) for ident, count in faults]
    return {
        "by_status": [(status, by_status.get(status, 0)) for status in OPEN_STATUSES],
        "overdue": overdue,
        "median_response": _median((c, r) for c, r, _d in recent),
        "median_fix": _median((c, d) for c, _r, d in recent),
        "top_equipment": top,
    }
