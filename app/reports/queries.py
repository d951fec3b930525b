"""The office's monthly report, every figure computed in the database for a month and the month before.

Each query covers both months at once (a `period` column: 1 for the month, 0 for the one before) and returns
aggregates only: counts, averages, and medians picked by row_number and count windows (the middle one or
two values of each group, averaged in the database), on SQLite and PostgreSQL alike. The number of queries
is the same whatever the data (tests/reports/test_monthly.py counts them).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, select, text, union_all

from app.auth.models import Department
from app.extensions import db
from app.i18n import current_locale_code
from app.meetings.models import ActionItem
from app.repairs.models import Equipment, RepairRequest, Urgency
from app.requests.models import ServiceRequest
from app.satisfaction import surveys
from app.satisfaction.models import Rating, Subject
from app.suggestions.models import Rating as SuggestionRating
from app.suggestions.models import Suggestion
from app.timeutil import day_bounds, office_tz, today
from app.visits.models import Visit

COUNT, SHARE, AVERAGE, DURATION, INDEX = "count", "share", "average", "duration", "index"
TOP_EQUIPMENT = 5
# The period is always the first column, and grouped by its position: PostgreSQL does not see that a CASE
# in the select list and the same CASE in GROUP BY are one expression when each carries its own parameters.
BY_PERIOD = text("1")


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


def _office_day(column, month: Month):
    """SQL for the office's calendar day of a stored (UTC) moment, with the office's offset in that month."""
    minutes = int(office_tz().utcoffset(month.start).total_seconds() // 60)
    if db.engine.dialect.name == "postgresql":
        return func.date(column + timedelta(minutes=minutes))
    return func.date(column, f"{minutes:+d} minutes")


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


def _seconds(start, end):
    """SQL for the seconds from `start` to `end`; SQLite has no interval type, PostgreSQL has no julianday."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _period(column, month: Month):
    return case((column >= month.start, 1), else_=0)


def _window(column, month: Month):
    return and_(column >= month.previous.start, column < month.end)


def _pair(rows: dict, key, default=0) -> tuple:
    """(this month's, last month's) value of `key` from {(period, key): value}."""
    return rows.get((1, key), default), rows.get((0, key), default)


def _share(part, whole):
    return part / whole if whole else None


def _middle(values: select, size: int):
    """The middle one (odd size) or two (even size) of `values`'s single column, sorted: a LIMIT read from an
    index range, not a window over every row of the month."""
    middle = values.order_by(values.selected_columns[0]).limit(2 - size % 2).offset((size - 1) // 2).subquery()
    return select(func.avg(middle.c.span))


def _medians(groups: dict, *, group, start, ends: dict, month: Month) -> dict:
    """{(end's name, period, group value): median seconds from `start` to that end} in one statement.

    `groups` holds {(period, group value): {end's name: how many rows have that end}}, from the counts;
    each group's median is picked by LIMIT/OFFSET from the (group, start) index range."""
    months = {1: (month.start, month.end), 0: (month.previous.start, month.start)}
    parts = []
    for (period, value), sizes in sorted(groups.items()):
        for name, end in ends.items():
            if not sizes.get(name):
                continue
            first, after = months[period]
            span = _seconds(start, end).label("span")
            values = select(span).where(group == value, start >= first, start < after, end.is_not(None))
            middle = _middle(values, sizes[name]).subquery()
            parts.append(select(literal(name).label("end"), literal(period).label("period"),
                                literal(value).label("grp"), middle.c[0].label("span")))
    if not parts:
        return {}
    rows = db.session.execute(union_all(*parts)).all()
    return {(name, p, g): timedelta(seconds=round(float(s))) for name, p, g, s in rows if s is not None}


# ---------------------------------------------------------------- suggestions

def _suggestions(month: Month, ratings: dict) -> Section:
    S = Suggestion
    received = dict(db.session.execute(select(_period(S.created_at, month), func.count())
                                       .where(_window(S.created_at, month))
                                       .group_by(BY_PERIOD)).all())
    answered = {p: (n, ok) for p, n, ok in db.session.execute(
        select(_period(S.first_answered_at, month), func.count(),
               func.count(case((S.first_answered_at <= S.answer_due_at, 1))))
        .where(_window(S.first_answered_at, month)).group_by(BY_PERIOD)).all()}
    section = Section("suggestions", _l("Suggestions"))
    section.figures = [
        Figure(_l("Received"), COUNT, received.get(1, 0), received.get(0, 0)),
        Figure(_l("Answered"), COUNT, answered.get(1, (0, 0))[0], answered.get(0, (0, 0))[0]),
        Figure(_l("Answered on time"), COUNT, answered.get(1, (0, 0))[1], answered.get(0, (0, 0))[1]),
        Figure(_l("Share answered on time"), SHARE, _share(*reversed(answered.get(1, (0, 0)))),
               _share(*reversed(answered.get(0, (0, 0))))),
        *_rating_figures(ratings, "suggestion"),
    ]
    return section


def _suggestion_ratings(month: Month) -> dict:
    period = case((SuggestionRating.rated_on >= month.first, 1), else_=0)
    rows = db.session.execute(select(period, func.avg(SuggestionRating.score), func.count())
                              .where(SuggestionRating.rated_on >= month.previous.first,
                                     SuggestionRating.rated_on <= month.last).group_by(BY_PERIOD)).all()
    return {(p, "suggestion"): (float(avg), n) for p, avg, n in rows}


def _service_ratings(month: Month) -> dict:
    """{(period, kind): (average, count)} of the rating component; a visit's host and visitor count together."""
    kind = case((Rating.subject.in_([Subject.VISIT.value, Subject.VISIT_GUEST.value]), "visit"),
                else_=Rating.subject)
    period = _period(Rating.created_at, month)
    rows = db.session.execute(select(period, kind, func.avg(Rating.score), func.count())
                              # Every subject named: the (subject, created_at, score) index then holds the answer.
                              .where(Rating.subject.in_([s.value for s in Subject]), _window(Rating.created_at, month))
                              .group_by(BY_PERIOD, text("2"))).all()
    return {(p, k): (float(avg), n) for p, k, avg, n in rows}


def _rating_figures(ratings: dict, kind: str) -> list[Figure]:
    current, previous = _pair(ratings, kind, (None, 0))
    return [Figure(_l("Satisfaction (1–5)"), AVERAGE, current[0], previous[0]),
            Figure(_l("Ratings given"), COUNT, current[1], previous[1])]


# ---------------------------------------------------------------- repairs

def _repairs(month: Month, ratings: dict) -> Section:
    R = RepairRequest
    period = _period(R.created_at, month)
    sla_met = func.count(case((and_(R.responded_at <= R.response_due, R.done_at <= R.fix_due), 1)))
    # Every urgency named, so the (urgency, created_at, clocks) index serves the counts and the medians alike.
    rows = db.session.execute(
        select(period, R.urgency, func.count(), func.count(R.done_at), sla_met, func.count(R.responded_at))
        .where(R.urgency.in_([u.value for u in Urgency]), _window(R.created_at, month))
        .group_by(BY_PERIOD, R.urgency)).all()
    counts = {(p, u): (n, done, ok) for p, u, n, done, ok, _responded in rows}
    medians = _medians({(p, u): {"respond": responded, "fix": done} for p, u, _n, done, _ok, responded in rows},
                       group=R.urgency, start=R.created_at,
                       ends={"respond": R.responded_at, "fix": R.done_at}, month=month)
    response = {(p, u): value for (name, p, u), value in medians.items() if name == "respond"}
    fix = {(p, u): value for (name, p, u), value in medians.items() if name == "fix"}
    section = Section("repairs", _l("Repairs"))
    for urgency in Urgency:
        now, before = _pair(counts, urgency.value, (0, 0, 0))
        label = urgency.label
        section.figures += [
            Figure(_l("%(urgency)s: filed", urgency=label), COUNT, now[0], before[0]),
            Figure(_l("%(urgency)s: median time to respond", urgency=label), DURATION,
                   *_pair(response, urgency.value, None)),
            Figure(_l("%(urgency)s: median time to fix", urgency=label), DURATION, *_pair(fix, urgency.value, None)),
            Figure(_l("%(urgency)s: share fixed within the SLA", urgency=label), SHARE,
                   _share(now[2], now[1]), _share(before[2], before[1])),
        ]
    section.figures += _top_equipment(month)
    section.figures += _rating_figures(ratings, Subject.REPAIR.value)
    return section


def _top_equipment(month: Month) -> list[Figure]:
    R = RepairRequest
    # Counted per equipment from the created_at index first, the names joined to the top five only (joined
    # before grouping, every request of the month looked its equipment up).
    faults = func.count().label("faults")
    counted = (select(R.equipment_id, faults).where(R.created_at >= month.start, R.created_at < month.end,
                                                    R.equipment_id.is_not(None))
               .group_by(R.equipment_id).order_by(faults.desc(), R.equipment_id).limit(TOP_EQUIPMENT).subquery())
    top = db.session.execute(
        select(counted.c.equipment_id, Equipment.name, Equipment.asset_number, counted.c.faults)
        .join(Equipment, Equipment.id == counted.c.equipment_id)
        .order_by(counted.c.faults.desc(), counted.c.equipment_id)).all()
    before = dict(db.session.execute(
        select(R.equipment_id, func.count()).where(R.equipment_id.in_([t[0] for t in top]),
                                                   R.created_at >= month.previous.start, R.created_at < month.start)
        .group_by(R.equipment_id)).all()) if top else {}
    return [Figure(_l("Faults of %(name)s (%(asset)s)", name=name, asset=asset), COUNT, count, before.get(ident, 0))
            for ident, name, asset, count in top]


# ---------------------------------------------------------------- visits, requests, tasks

def _visits(month: Month, ratings: dict) -> Section:
    period = _period(Visit.departed_at, month)
    done = dict(db.session.execute(select(period, func.count())
                                   .where(Visit.status == "completed", _window(Visit.departed_at, month))
                                   .group_by(BY_PERIOD)).all())
    section = Section("visits", _l("Visits"))
    section.figures = [Figure(_l("Visits completed"), COUNT, done.get(1, 0), done.get(0, 0)),
                       *_rating_figures(ratings, "visit")]
    return section


def _requests(month: Month, ratings: dict) -> Section:
    R = ServiceRequest
    period = _period(R.created_at, month)
    # Counted per department from the covering index first, then the few groups named (joined before
    # grouping, every request of the two months looked its department up).
    on_time = func.count(case((R.done_at <= R.complete_due, 1)))
    counted = (select(period.label("period"), R.department_id, func.count().label("n"),
                      func.count(R.done_at).label("done"), on_time.label("ok"))
               .where(_window(R.created_at, month)).group_by(BY_PERIOD, R.department_id).subquery())
    rows = db.session.execute(
        select(counted.c.period, Department.code, Department.name_zh, Department.name_en, counted.c.n,
               counted.c.done, counted.c.ok).join(Department, Department.id == counted.c.department_id)).all()
    by_department = {(p, (code, zh, en)): (n, done, ok) for p, code, zh, en, n, done, ok in rows}
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


def _tasks(month: Month) -> Section:
    A = ActionItem
    assigned = dict(db.session.execute(select(_period(A.created_at, month), func.count())
                                       .where(_window(A.created_at, month))
                                       .group_by(BY_PERIOD)).all())
    accepted = dict(db.session.execute(select(_period(A.accepted_at, month), func.count())
                                       .where(_window(A.accepted_at, month))
                                       .group_by(BY_PERIOD)).all())
    # Overdue: the deadline fell in the month (and has passed) and the task was not accepted by the end of
    # that day in the office (accepted at 07:00 Beijing time on the next day is 23:00 UTC on the deadline).
    deadline_period = case((A.deadline >= month.first, 1), else_=0)
    late = and_(A.deadline >= month.previous.first, A.deadline <= month.last, A.deadline < today(),
                (A.accepted_at.is_(None)) | (_office_day(A.accepted_at, month) > A.deadline))
    overdue = dict(db.session.execute(select(deadline_period, func.count()).where(late)
                                      .group_by(BY_PERIOD)).all())
    section = Section("tasks", _l("Tasks"))
    section.figures = [Figure(_l("Tasks assigned"), COUNT, assigned.get(1, 0), assigned.get(0, 0)),
                       Figure(_l("Tasks accepted"), COUNT, accepted.get(1, 0), accepted.get(0, 0)),
                       Figure(_l("Overdue (deadline passed, not accepted by then)"), COUNT,
                              overdue.get(1, 0), overdue.get(0, 0))]
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
    ratings = {**_service_ratings(month), **_suggestion_ratings(month)}
    return Report(month, [_suggestions(month, ratings), _repairs(month, ratings), _visits(month, ratings),
                          _requests(month, ratings), _tasks(month), _survey(month)])
