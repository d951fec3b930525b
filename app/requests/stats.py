"""Per department and type: median first-answer and completion times, and the share on time, computed in
the database (window functions on both SQLite and PostgreSQL), over the last 30 or 90 days."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, func, select

from app.auth.models import Department
from app.extensions import db
from app.timeutil import utcnow

from .models import RequestType
from .models import ServiceRequest as R


def _seconds(start, end):
    """SQL for the seconds from `start` to `end`; SQLite has no interval type, PostgreSQL has no julianday."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _medians(end, since) -> dict:
    """{(department id, type id): median seconds from filing to `end`}: each group's middle one or two values,
    picked by row_number and count windows, averaged in the database."""
    span = _seconds(R.created_at, end).label("span")
    group = (R.department_id, R.type_id)
    ranked = select(R.department_id, R.type_id, span,
                    func.row_number().over(partition_by=group, order_by=span).label("n"),
                    func.count().over(partition_by=group).label("total")) \
        .where(R.created_at >= since, end.is_not(None)).subquery()
    middle = and_(ranked.c.n >= (ranked.c.total + 1) // 2, ranked.c.n <= ranked.c.total // 2 + 1)
    rows = db.session.execute(select(ranked.c.department_id, ranked.c.type_id, func.avg(ranked.c.span))
                              .where(middle).group_by(ranked.c.department_id, ranked.c.type_id)).all()
    return {(d, t): timedelta(seconds=round(float(s))) for d, t, s in rows}


@dataclass
class Row:
    department: Department
    request_type: RequestType
    filed: int
    answered_on_time: float | None  # share 0..1 of answered requests answered by answer_due
    done_on_time: float | None
    median_answer: timedelta | None
    median_done: timedelta | None


def _shares(since) -> dict:
    on_time_answer = func.count(case((R.answered_at <= R.answer_due, 1)))
    on_time_done = func.count(case((R.done_at <= R.complete_due, 1)))
    rows = db.session.execute(
        select(R.department_id, R.type_id, func.count(), func.count(R.answered_at), on_time_answer,
               func.count(R.done_at), on_time_done)
        .where(R.created_at >= since).group_by(R.department_id, R.type_id)).all()
    return {(d, t): (filed, answered, answered_ok, done, done_ok)
            for d, t, filed, answered, answered_ok, done, done_ok in rows}


def table(days: int) -> list[Row]:
    """One row per department and type with requests filed in the last `days` days."""
    since = utcnow() - timedelta(days=days)
    shares, answers, dones = _shares(since), _medians(R.answered_at, since), _medians(R.done_at, since)
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    types = {t.id: t for t in db.session.scalars(select(RequestType))}
    rows = []
    for key in sorted(shares):
        filed, answered, answered_ok, done, done_ok = shares[key]
        rows.append(Row(departments[key[0]], types[key[1]], filed,
                        answered_ok / answered if answered else None, done_ok / done if done else None,
                        answers.get(key), dones.get(key)))
    return rows


def department_on_time(days: int = 30) -> list[tuple[Department, float | None, int]]:
    """(department, share answered on time, requests filed) over the window, for the office card."""
    since = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(R.department_id, func.count(), func.count(R.answered_at),
               func.count(case((R.answered_at <= R.answer_due, 1))))
        .where(R.created_at >= since).group_by(R.department_id).order_by(R.department_id)).all()
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    return [(departments[d], ok / answered if answered else None, filed) for d, filed, answered, ok in rows]
