"""Per department and type: median first-answer and completion times, and the share on time, over the last
30 or 90 days. Every statement reads the covering index `ix_service_requests_created_at_cover` alone.

The share on time counts what is late as well as what was answered: a request never answered whose answer
clock has run out is late, not left out (one answer on time and three ignored for days is 25%, not 100%).
A clock runs out as the lists judge it (queries.overdue_clause): a waiting request's completion clock by
when it began to wait, a cancelled request's clocks by when it was cancelled. A request whose clock still
runs is not counted yet, either way."""
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, func, or_, select

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


def _grouped(column):
    """`column` to group by, written `column + 0` so that SQLite (which has no ANALYZE statistics here: they
    made other pages slower) reads the covering created_at index instead of walking the department index,
    every request ever filed, to save the GROUP BY's sort. PostgreSQL plans either form the same way."""
    return (column + 0).label(column.key)


def _medians(since) -> tuple[dict, dict]:
    """{(department id, type id): median seconds from filing to the first answer}, and the same to done. The
    spans come from one index scan (both at once: each scan of a 90-day window costs more than its
    arithmetic) and the middle is picked here: SQLite's window functions over the same rows cost three
    times the scan."""
    # Core, not the ORM session: a thousand plain tuples, no ORM row objects to build.
    rows = db.session.connection().execute(
        select(R.department_id, R.type_id, _seconds(R.created_at, R.answered_at), _seconds(R.created_at, R.done_at))
        .where(R.created_at >= since, or_(R.answered_at.is_not(None), R.done_at.is_not(None))))
    answers, dones = defaultdict(list), defaultdict(list)
    for department_id, type_id, answer, done in rows:
        if answer is not None:
            answers[department_id, type_id].append(float(answer))
        if done is not None:
            dones[department_id, type_id].append(float(done))
    return tuple({key: timedelta(seconds=round(statistics.median(values))) for key, values in spans.items()}
                 for spans in (answers, dones))


@dataclass
class Row:
    department: Department
    request_type: RequestType
    filed: int
    answered_on_time: float | None  # share 0..1 answered by answer_due, of those answered or past it
    done_on_time: float | None
    median_answer: timedelta | None
    median_done: timedelta | None


def _answer_counts(now):
    """(requests measured for the first answer, of them answered on time) as SQL aggregates: measured are
    those answered and those never answered past their answer_due (a cancelled one: cancelled after it)."""
    late_unanswered = and_(R.answered_at.is_(None), R.answer_due < func.coalesce(R.closed_at, now))
    return (func.count(case((or_(R.answered_at.is_not(None), late_unanswered), 1))),
            func.count(case((R.answered_at <= R.answer_due, 1))))


def _done_counts(now):
    """The same for completion: done, or not done past complete_due (a waiting request's clock stands still
    since it began to wait, a cancelled one's since it was cancelled; only one of the two is ever set)."""
    late_undone = and_(R.done_at.is_(None), R.complete_due < func.coalesce(R.waiting_since, R.closed_at, now))
    return (func.count(case((or_(R.done_at.is_not(None), late_undone), 1))),
            func.count(case((R.done_at <= R.complete_due, 1))))


def _shares(since, now) -> dict:
    department, request_type = _grouped(R.department_id), _grouped(R.type_id)
    rows = db.session.execute(
        select(department, request_type, func.count(), *_answer_counts(now), *_done_counts(now))
        .where(R.created_at >= since).group_by(department, request_type)).all()
    return {(d, t): (filed, answered, answered_ok, done, done_ok)
            for d, t, filed, answered, answered_ok, done, done_ok in rows}


def _share(on_time: int, measured: int) -> float | None:
    return on_time / measured if measured else None


def table(days: int) -> list[Row]:
    """One row per department and type with requests filed in the last `days` days."""
    now = utcnow()
    since = now - timedelta(days=days)
    shares, (answers, dones) = _shares(since, now), _medians(since)
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    types = {t.id: t for t in db.session.scalars(select(RequestType))}
    rows = []
    for key in sorted(shares):
        filed, answered, answered_ok, done, done_ok = shares[key]
        rows.append(Row(departments[key[0]], types[key[1]], filed,
                        _share(answered_ok, answered), _share(done_ok, done),
                        answers.get(key), dones.get(key)))
    return rows


def department_on_time(days: int = 30) -> list[tuple[Department, float | None, int]]:
    """(department, share answered on time, requests filed) over the window, for the office card."""
    now = utcnow()
    department = _grouped(R.department_id)
    rows = db.session.execute(
        select(department, func.count(), *_answer_counts(now))
        .where(R.created_at >= now - timedelta(days=days)).group_by(department).order_by(department)).all()
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    return [(departments[d], _share(ok, measured), filed) for d, filed, measured, ok in rows]
