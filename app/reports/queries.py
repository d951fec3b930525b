"""The office's monthly report, every figure computed in the database for a month and the month before.

Each statement covers both months at once and returns aggregates only: one plain aggregate per month (and
per urgency, subject, ...) over an index range, the parts joined by UNION ALL, each row tagged with its
period (1 for the month, 0 for the one before). A GROUP BY on the period instead sorted every row of the
two months into a temporary tree, several times the cost of reading them. Medians are the middle one or
two values of each group, picked by LIMIT/OFFSET and averaged in the database, on SQLite and PostgreSQL
alike. The number of queries is the same whatever the data (tests/reports/test_monthly.py counts them).

The statements are built once and read the months from bound parameters (`Month.bounds`): building these
expressions anew took longer than running them on a small office's data.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Interval, and_, bindparam, case, func, literal_column, or_, select, union_all

from app.auth.models import Department
from app.extensions import db
from app.i18n import current_locale_code
from app.meetings.models import ActionItem
from app.repairs.models import Equipment, RepairRequest, Urgency
from app.requests.models import RequestFigureDay as Day
from app.requests.models import ServiceRequest
from app.satisfaction import surveys
from app.satisfaction.models import Rating, Subject
from app.suggestions.models import Rating as SuggestionRating
from app.suggestions.models import Suggestion
from app.timeutil import day_bounds, office_tz, today
from app.visits.models import Visit

COUNT, SHARE, AVERAGE, DURATION, INDEX = "count", "share", "average", "duration", "index"
TOP_EQUIPMENT = 5
PERIODS = (1, 0)  # the month, the month before
# What each rating figure counts: a visit's host and visitor count together.
RATED = {"repair": (Subject.REPAIR,), "visit": (Subject.VISIT, Subject.VISIT_GUEST), "request": (Subject.REQUEST,)}
MEDIAN_ENDS = ("respond", "fix")


@dataclass(frozen=True)
class Month:
    first: date
    start: datetime   # stored (UTC) moment the month begins, office time
    end: datetime     # ... and the moment the next one begins

    @classmethod
    def of(cls, first: date) -> "Month":
        following = (first + timedelta(days=32)).replace(day=1)
        start, end = day_bounds(first, following - timedelta(days=1))
        return cls(first, start, end)

    @property
    def last(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    @property
    def previous(self) -> "Month":
        return Month.of((self.first - timedelta(days=1)).replace(day=1))

    @cached_property
    def bounds(self) -> dict:
        """The parameters every statement of its report reads: each period's stored moments (start, end) and
        days (first, last), the office's offset from UTC in the month, and today. Worked out once a report."""
        minutes = int(office_tz().utcoffset(self.start).total_seconds() // 60)
        previous = self.previous
        return {"start1": self.start, "end1": self.end, "first1": self.first, "last1": self.last,
                "start0": previous.start, "end0": self.start, "first0": previous.first, "last0": previous.last,
                "offset": f"{minutes:+d} minutes", "offset_span": timedelta(minutes=minutes), "today": today(),
                **_whole_days(self.start, self.end, 1), **_whole_days(previous.start, self.start, 0)}


def _whole_days(start: datetime, end: datetime, period: int) -> dict:
    """The whole stored (UTC) days within [start, end): from day{period} up to but not including
    day_end{period}, and the moments they begin (day{period}_at, day_end{period}_at). The office's month begins
    and ends within a UTC day unless the office keeps UTC; what falls before and after them is its two edges."""
    first = start.date() if start.time() == time() else start.date() + timedelta(days=1)
    last = end.date()
    return {f"day{period}": first, f"day_end{period}": last,
            f"day{period}_at": datetime.combine(first, time()), f"day_end{period}_at": datetime.combine(last, time())}


@dataclass
class Figure:
    label: object
    kind: str
    current: object = None
    previous: object = None


@dataclass
class Section:
    key: str
    title: object
    figures: list = field(default_factory=list)


@dataclass
class Report:
    month: Month
    sections: list


def _in(column, period: int):
    """`column` (a stored moment) falls in the period."""
    return and_(column >= bindparam(f"start{period}"), column < bindparam(f"end{period}"))


def _on(column, period: int):
    """`column` (a day) falls in the period."""
    return and_(column >= bindparam(f"first{period}"), column <= bindparam(f"last{period}"))


def _tag(value):
    """A constant column naming a part of a UNION: its period, or a quoted name from this module."""
    return literal_column(str(value) if isinstance(value, int) else f"'{value}'")


def _office_day(column, dialect: str):
    """SQL for the office's calendar day of a stored (UTC) moment, with the office's offset in the month."""
    if dialect == "postgresql":
        return func.date(column + bindparam("offset_span", type_=Interval))
    return func.date(column, bindparam("offset"))


def _run(statement, month: Month) -> list:
    return db.session.execute(statement, month.bounds).all()


def _pair(rows: dict, key, default=0) -> tuple:
    """(this month's, last month's) value of `key` from {(period, key): value}."""
    return rows.get((1, key), default), rows.get((0, key), default)


def _share(part, whole):
    return part / whole if whole else None


# ---------------------------------------------------------------- ratings

@cache
def _ratings_statement():
    """(kind, period, average, count) of every rating figure: suggestions' own, then the rating component's."""
    parts = [select(_tag("suggestion"), _tag(p), func.avg(SuggestionRating.score), func.count())
             .where(_on(SuggestionRating.rated_on, p)) for p in PERIODS]
    parts += [select(_tag(kind), _tag(p), func.avg(Rating.score), func.count())
              .where(Rating.subject.in_([s.value for s in subjects]), _in(Rating.created_at, p))
              for kind, subjects in RATED.items() for p in PERIODS]
    return union_all(*parts)


def _ratings(month: Month) -> dict:
    """{(period, kind): (average or None, count)}."""
    return {(p, kind): (None if avg is None else float(avg), n)
            for kind, p, avg, n in _run(_ratings_statement(), month)}


def _rating_figures(ratings: dict, kind: str) -> list[Figure]:
    current, previous = _pair(ratings, kind, (None, 0))
    return [Figure(_l("Satisfaction (1–5)"), AVERAGE, current[0], previous[0]),
            Figure(_l("Ratings given"), COUNT, current[1], previous[1])]


# ---------------------------------------------------------------- suggestions

@cache
def _suggestions_statement():
    """(what, period, count, on time): received by created_at, answered (and on time) by first answer."""
    S = Suggestion
    on_time = func.count(case((S.first_answered_at <= S.answer_due_at, 1)))
    return union_all(
        *[select(_tag("received"), _tag(p), func.count(), _tag(0)).where(_in(S.created_at, p)) for p in PERIODS],
        *[select(_tag("answered"), _tag(p), func.count(), on_time).where(_in(S.first_answered_at, p))
          for p in PERIODS])


def _suggestions(month: Month, ratings: dict) -> Section:
    counts = {(p, what): (n, ok) for what, p, n, ok in _run(_suggestions_statement(), month)}
    received = _pair(counts, "received", (0, 0))
    answered = _pair(counts, "answered", (0, 0))
    section = Section("suggestions", _l("Suggestions"))
    section.figures = [
        Figure(_l("Received"), COUNT, received[0][0], received[1][0]),
        Figure(_l("Answered"), COUNT, answered[0][0], answered[1][0]),
        Figure(_l("Answered on time"), COUNT, answered[0][1], answered[1][1]),
        Figure(_l("Share answered on time"), SHARE, _share(answered[0][1], answered[0][0]),
               _share(answered[1][1], answered[1][0])),
        *_rating_figures(ratings, "suggestion"),
    ]
    return section


# ---------------------------------------------------------------- repairs

@cache
def _repair_counts_statement():
    """(period, urgency, filed, fixed, fixed within the SLA, responded) per urgency, each from the
    (urgency, created_at, clocks) index range."""
    R = RepairRequest
    sla_met = func.count(case((and_(R.responded_at <= R.response_due, R.done_at <= R.fix_due), 1)))
    return union_all(*[select(_tag(p), _tag(u.value), func.count(), func.count(R.done_at), sla_met,
                              func.count(R.responded_at)).where(R.urgency == _tag(u.value), _in(R.created_at, p))
                       for u in Urgency for p in PERIODS])


@cache
def _repair_medians_statement():
    """(end, period, urgency, median seconds) for every urgency and both months: each group's middle value(s)
    read by position from its (urgency, created_month, time taken) index range, already in order; how many
    to take and how many to pass over bound as `take_…` and `skip_…`."""
    R = RepairRequest
    spans = {"respond": R.response_seconds, "fix": R.fix_seconds}
    parts = []
    for name in MEDIAN_ENDS:
        span = spans[name]
        for u in Urgency:
            for p in PERIODS:
                key = f"{name}_{p}_{u.value}"
                middle = (select(span.label("span"))
                          .where(R.urgency == _tag(u.value), R.created_month == bindparam(f"first{p}"),
                                 span.is_not(None))
                          .order_by(span).limit(bindparam(f"take_{key}", type_=Integer))
                          .offset(bindparam(f"skip_{key}", type_=Integer)).subquery())
                parts.append(select(_tag(name), _tag(p), _tag(u.value), func.avg(middle.c.span)))
    return union_all(*parts)


def _repair_medians(month: Month, sizes: dict) -> dict:
    """{(end's name, period, urgency): median time}, from `sizes` {(end's name, period, urgency): how many rows
    have that end}; no statement when no repair has a time to take a median of."""
    if not any(sizes.values()):
        return {}
    picks = {}
    for (name, p, u), size in sizes.items():
        picks[f"take_{name}_{p}_{u}"] = 2 - size % 2 if size else 0
        picks[f"skip_{name}_{p}_{u}"] = (size - 1) // 2 if size else 0
    rows = db.session.execute(_repair_medians_statement(), {**month.bounds, **picks}).all()
    return {(name, p, u): timedelta(seconds=round(float(s))) for name, p, u, s in rows if s is not None}


def _repairs(month: Month, ratings: dict) -> Section:
    rows = _run(_repair_counts_statement(), month)
    counts = {(p, u): (n, done, ok) for p, u, n, done, ok, _responded in rows}
    # The medians' groups are by created_month, the office month of created_at: the same requests as the
    # counts' created_at ranges, so the counts say where each middle lies.
    sizes = {}
    for p, u, _n, done, _ok, responded in rows:
        sizes["respond", p, u], sizes["fix", p, u] = responded, done
    medians = _repair_medians(month, sizes)
    section = Section("repairs", _l("Repairs"))
    for urgency in Urgency:
        now, before = _pair(counts, urgency.value, (0, 0, 0))
        label = urgency.label
        section.figures += [
            Figure(_l("%(urgency)s: filed", urgency=label), COUNT, now[0], before[0]),
            Figure(_l("%(urgency)s: median time to respond", urgency=label), DURATION,
                   medians.get(("respond", 1, urgency.value)), medians.get(("respond", 0, urgency.value))),
            Figure(_l("%(urgency)s: median time to fix", urgency=label), DURATION,
                   medians.get(("fix", 1, urgency.value)), medians.get(("fix", 0, urgency.value))),
            Figure(_l("%(urgency)s: share fixed within the SLA", urgency=label), SHARE,
                   _share(now[2], now[1]), _share(before[2], before[1])),
        ]
    section.figures += _top_equipment(month)
    section.figures += _rating_figures(ratings, Subject.REPAIR.value)
    return section


@cache
def _top_equipment_statement():
    R = RepairRequest
    # Counted per equipment from the (created_month, equipment_id) index, in equipment order so grouping sorts
    # nothing; the names joined to the top five only (joined before grouping, every request of the month
    # looked its equipment up).
    faults = func.count().label("faults")
    counted = (select(R.equipment_id, faults)
               .where(R.created_month == bindparam("first1"), R.equipment_id.is_not(None))
               .group_by(R.equipment_id).order_by(faults.desc(), R.equipment_id).limit(TOP_EQUIPMENT).subquery())
    return (select(counted.c.equipment_id, Equipment.name, Equipment.asset_number, counted.c.faults)
            .join(Equipment, Equipment.id == counted.c.equipment_id)
            .order_by(counted.c.faults.desc(), counted.c.equipment_id))


@cache
def _equipment_before_statement():
    R = RepairRequest
    return (select(R.equipment_id, func.count())
            .where(R.created_month == bindparam("first0"), R.equipment_id.in_(bindparam("equipment", expanding=True)))
            .group_by(R.equipment_id))


def _top_equipment(month: Month) -> list[Figure]:
    top = _run(_top_equipment_statement(), month)
    before = dict(db.session.execute(_equipment_before_statement(),
                                     {**month.bounds, "equipment": [t[0] for t in top]}).all()) if top else {}
    return [Figure(_l("Faults of %(name)s (%(asset)s)", name=name, asset=asset), COUNT, count, before.get(ident, 0))
            for ident, name, asset, count in top]


# ---------------------------------------------------------------- visits, requests, tasks

@cache
def _visits_statement():
    return union_all(*[select(_tag(p), func.count()).where(Visit.status == _tag("completed"),
                                                          _in(Visit.departed_at, p)) for p in PERIODS])


def _visits(month: Month, ratings: dict) -> Section:
    done = dict(_run(_visits_statement(), month))
    section = Section("visits", _l("Visits"))
    section.figures = [Figure(_l("Visits completed"), COUNT, done.get(1, 0), done.get(0, 0)),
                       *_rating_figures(ratings, "visit")]
    return section


def _requests_filed(period: int, since: str, until: str):
    """(period, department, filed, done, done on time) of the requests filed from :since to :until, read from
    the requests themselves through the covering index."""
    R = ServiceRequest
    return (select(_tag(period).label("period"), R.department_id, func.count().label("n"),
                   func.count(R.done_at).label("done"), func.count(case((R.done_at <= R.complete_due, 1))).label("ok"))
            .where(R.created_at >= bindparam(since), R.created_at < bindparam(until)).group_by(R.department_id))


@cache
def _requests_statement():
    # Each month's whole UTC days from the day rows the writes keep (app/requests/figures.py: a row per day,
    # department and type, 124 for a month of 1,755 requests at the benchmark's scale), and only its two edges
    # (the hours of the office's first and last day that fall in another UTC day) from the requests: the
    # report then costs a month's days, not its requests. A day row's done_spans is a request done, and its
    # done_on_time one done by its due time, as counted here from the requests.
    parts = []
    for p in PERIODS:
        parts += [select(_tag(p).label("period"), Day.department_id, func.sum(Day.filed).label("n"),
                         func.sum(Day.done_spans).label("done"), func.sum(Day.done_on_time).label("ok"))
                  .where(Day.day >= bindparam(f"day{p}"), Day.day < bindparam(f"day_end{p}"))
                  .group_by(Day.department_id),
                  _requests_filed(p, f"start{p}", f"day{p}_at"), _requests_filed(p, f"day_end{p}_at", f"end{p}")]
    counted = union_all(*parts).subquery()
    totals = (select(counted.c.period, counted.c.department_id, func.sum(counted.c.n).label("n"),
                     func.sum(counted.c.done).label("done"), func.sum(counted.c.ok).label("ok"))
              .group_by(counted.c.period, counted.c.department_id).subquery())
    return (select(totals.c.period, Department.code, Department.name_zh, Department.name_en,
                   totals.c.n, totals.c.done, totals.c.ok)
            .join(Department, Department.id == totals.c.department_id).where(totals.c.n > 0))


def _requests(month: Month, ratings: dict) -> Section:
    # Sums of sums: PostgreSQL gives them as numeric (Decimal).
    by_department = {(p, (code, zh, en)): (int(n), int(done), int(ok))
                     for p, code, zh, en, n, done, ok in _run(_requests_statement(), month)}
    section = Section("requests", _l("Cross-department requests"))
    for department in sorted({key for _p, key in by_department}):
        now, before = _pair(by_department, department, (0, 0, 0))
        name = _DepartmentName(*department)
        section.figures += [
            Figure(_l("%(department)s: filed", department=name), COUNT, now[0], before[0]),
            Figure(_l("%(department)s: share completed on time", department=name), SHARE,
                   _share(now[2], now[1]), _share(before[2], before[1]))]
    section.figures += _rating_figures(ratings, Subject.REQUEST.value)
    return section


@dataclass(frozen=True)
class _DepartmentName:
    code: str
    name_zh: str
    name_en: str

    def __str__(self) -> str:
        return self.name_zh if current_locale_code().startswith("zh") else self.name_en


@cache
def _tasks_statement(dialect: str):
    """(what, period, count): tasks assigned, accepted, and overdue. Overdue: the deadline fell in the month
    (and has passed) and the task was not accepted by the end of that day in the office (accepted at 07:00
    Beijing time on the next day is 23:00 UTC on the deadline)."""
    A = ActionItem
    late = and_(A.deadline < bindparam("today"),
                or_(A.accepted_at.is_(None), _office_day(A.accepted_at, dialect) > A.deadline))
    return union_all(
        *[select(_tag("assigned"), _tag(p), func.count()).where(_in(A.created_at, p)) for p in PERIODS],
        *[select(_tag("accepted"), _tag(p), func.count()).where(_in(A.accepted_at, p)) for p in PERIODS],
        *[select(_tag("overdue"), _tag(p), func.count()).where(_on(A.deadline, p), late) for p in PERIODS])


def _tasks(month: Month) -> Section:
    counts = {(p, what): n for what, p, n in _run(_tasks_statement(db.engine.dialect.name), month)}
    section = Section("tasks", _l("Tasks"))
    section.figures = [Figure(_l("Tasks assigned"), COUNT, *_pair(counts, "assigned")),
                       Figure(_l("Tasks accepted"), COUNT, *_pair(counts, "accepted")),
                       Figure(_l("Overdue (deadline passed, not accepted by then)"), COUNT,
                              *_pair(counts, "overdue"))]
    return section


def _survey(month: Month) -> Section:
    """The latest department survey index (rounds with enough answers) as of each month's end."""
    points = surveys.trend()

    def latest(last: date):
        known = [index for round_, index in points if round_.period_start <= last]
        return known[-1] if known else None
    section = Section("survey", _l("Department satisfaction survey"))
    section.figures = [Figure(_l("Latest satisfaction index (0–100)"), INDEX, latest(month.last),
                              latest(month.previous.last))]
    return section


def monthly(first: date) -> Report:
    """The report for the month starting on `first`, each figure beside the previous month's."""
    month = Month.of(first)
    ratings = _ratings(month)
    return Report(month, [_suggestions(month, ratings), _repairs(month, ratings), _visits(month, ratings),
                          _requests(month, ratings), _tasks(month), _survey(month)])
