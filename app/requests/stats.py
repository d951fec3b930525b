"""Per department and type: median first-answer and completion times, and the share on time, over the last
30 or 90 days.

The share on time counts what is late as well as what was answered: a request never answered whose answer
clock has run out is late, not left out (one answer on time and three ignored for days is 25%, not 100%).
A clock runs out as the lists judge it (queries.overdue_clause): a waiting request's completion clock by
when it began to wait, a cancelled request's clocks by when it was cancelled. A request whose clock still
runs is not counted yet, either way.

The counts come from the day rows the writes keep (figures.py), a row per department, type and day, so a
window costs its days and not its requests; the first day of the window, cut at the hour of the page, and
the clocks still running are read from the requests (_window_counts)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, union_all

from app.auth.models import Department
from app.extensions import db
from app.timeutil import utcnow

from .figures import COUNTS
from .models import RequestFigureDay as Day
from .models import RequestType
from .models import ServiceRequest as R


def _grouped(column):
    """`column` to group by, written `column + 0` so that SQLite (which has no ANALYZE statistics here: they
    made other pages slower) reads the covering created_at index instead of walking the department index,
    every request ever filed, to save the GROUP BY's sort. PostgreSQL plans either form the same way."""
    return (column + 0).label(column.key)


# What a median measures: the time from filing to the first answer, and to done (stored, see figures.py).
_SPANS = (R.answer_seconds, R.done_seconds)


@cache
def _middles(measures: tuple[int, ...]):
    """One statement for the middle one or two spans of every part: part n is the window (:since on) of
    department :d<n> and type :t<n>, its spans _SPANS[measures[n]] skipped to :o<n> and :l<n> kept.
    Built once per shape, the rest parameters."""
    parts = []
    for n, measure in enumerate(measures):
        span = _SPANS[measure]
        parts.append(select(literal(n).label("part"), span.label("span"))
                     .where(R.department_id == bindparam(f"d{n}"), R.type_id == bindparam(f"t{n}"),
                            R.created_at >= bindparam("since"), span.is_not(None))
                     .order_by(span).offset(bindparam(f"o{n}")).limit(bindparam(f"l{n}")).subquery())
    return union_all(*(select(*part.c) for part in parts))


def _medians(since, counts: dict) -> tuple[dict, dict]:
    """{(department id, type id): median seconds from filing to the first answer}, and the same to done.

    `counts`: {key: (answered, done)} in the window. The database sorts each department and type's spans
    (walked in order in ix_service_requests_answer_spans or _done_spans) and returns only the middle one or two,
    instead of every span of a 90-day window fetched to be sorted here, which cost more than the sort."""
    wanted = [(key, measure, counted[measure]) for measure in (0, 1) for key, counted in sorted(counts.items())
              if counted[measure]]
    medians: tuple[dict, dict] = ({}, {})
    if not wanted:
        return medians
    params = {"since": since}
    for n, ((department_id, type_id), _measure, count) in enumerate(wanted):
        params.update({f"d{n}": department_id, f"t{n}": type_id, f"o{n}": (count - 1) // 2, f"l{n}": 2 - count % 2})
    statement = _middles(tuple(measure for _key, measure, _count in wanted))
    middles = defaultdict(list)
    for part, span in db.session.execute(statement, params):
        middles[part].append(float(span))
    for n, (key, measure, _count) in enumerate(wanted):
        medians[measure][key] = timedelta(seconds=round(sum(middles[n]) / len(middles[n])))
    return medians


@dataclass
class Row:
    department: Department
    request_type: RequestType
    filed: int
    answered_on_time: float | None  # share 0..1 answered by answer_due, of those answered or past it
    done_on_time: float | None
    median_answer: timedelta | None
    median_done: timedelta | None


def _settled():
    """The day rows' counts (figures.counts) as SQL aggregates over requests, for the window's first day."""
    answer_stopped, done_stopped = R.closed_at, func.coalesce(R.waiting_since, R.closed_at)
    return (func.count(),
            func.count(case((or_(R.answered_at.is_not(None), R.answer_due < answer_stopped), 1))),
            func.count(case((R.answered_at <= R.answer_due, 1))),
            func.count(case((or_(R.done_at.is_not(None), R.complete_due < done_stopped), 1))),
            func.count(case((R.done_at <= R.complete_due, 1))),
            func.count(R.answered_at), func.count(R.done_at))


def _running():
    """What the requests whose clocks still run (never closed) count at :now: answers and completions past
    due. A waiting request's completion clock stands still: its day row counted it when it began to wait."""
    now = bindparam("now")
    zero = literal(0)
    return (zero, func.count(case((and_(R.answered_at.is_(None), R.answer_due < now), 1))), zero,
            func.count(case((and_(R.done_at.is_(None), R.waiting_since.is_(None), R.complete_due < now), 1))),
            zero, zero, zero)


@cache
def _window_statement():
    """The window's counts per department and type in three parts summed here: the day rows of its whole
    days (from :day on), the requests of its first, partial day (:since to :day), and the running clocks of
    every request in it (through ix_service_requests_closed_at_clocks: the open requests only)."""
    department, request_type = _grouped(R.department_id), _grouped(R.type_id)
    days = (select(Day.department_id, Day.type_id, *(func.sum(getattr(Day, name)) for name in COUNTS))
            .where(Day.day >= bindparam("day")).group_by(Day.department_id, Day.type_id))
    first_day = (select(department, request_type, *_settled())
                 .where(R.created_at >= bindparam("since"), R.created_at < bindparam("day_start"))
                 .group_by(department, request_type))
    running = (select(department, request_type, *_running())
               .where(R.closed_at.is_(None), R.created_at >= bindparam("since"))
               .group_by(department, request_type))
    return union_all(days, first_day, running)


def _window_counts(since: datetime, now: datetime) -> dict:
    """{(department id, type id): the COUNTS of the window since `since`, as the page sees them at `now`},
    only for departments and types with requests filed in it."""
    day = since.date() + timedelta(days=1)
    totals = defaultdict(lambda: [0] * len(COUNTS))
    params = {"day": day, "day_start": datetime.combine(day, time()), "since": since, "now": now}
    for department_id, type_id, *counted in db.session.execute(_window_statement(), params):
        total = totals[department_id, type_id]
        for n, value in enumerate(counted):
            total[n] += int(value or 0)
    return {key: tuple(total) for key, total in totals.items() if total[0]}


def _share(on_time: int, measured: int) -> float | None:
    return on_time / measured if measured else None


def table(days: int) -> list[Row]:
    """One row per department and type with requests filed in the last `days` days."""
    now = utcnow()
    since = now - timedelta(days=days)
    counts = _window_counts(since, now)
    answers, dones = _medians(since, {key: counted[-2:] for key, counted in counts.items()})
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    types = {t.id: t for t in db.session.scalars(select(RequestType))}
    rows = []
    for key in sorted(counts):
        filed, answered, answered_ok, done, done_ok, _answer_spans, _done_spans = counts[key]
        rows.append(Row(departments[key[0]], types[key[1]], filed,
                        _share(answered_ok, answered), _share(done_ok, done),
                        answers.get(key), dones.get(key)))
    return rows


def department_on_time(days: int = 30) -> list[tuple[Department, float | None, int]]:
    """(department, share answered on time, requests filed) over the window, for the office card."""
    now = utcnow()
    totals = defaultdict(lambda: [0, 0, 0])
    for (department_id, _type_id), (filed, answered, answered_ok, *_rest) in \
            _window_counts(now - timedelta(days=days), now).items():
        total = totals[department_id]
        total[0], total[1], total[2] = total[0] + filed, total[1] + answered, total[2] + answered_ok
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    return [(departments[d], _share(ok, measured), filed) for d, (filed, measured, ok) in sorted(totals.items())]
