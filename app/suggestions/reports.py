"""Closing the loop in numbers: the weekly digest and the satisfaction card."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select, union_all

from app.extensions import db
from app.spreadsheets import csv_bytes, xlsx_bytes
from app.timeutil import day_bounds, to_local, today, utcnow

from .models import Answer, Rating, Suggestion
from .queries import received_between
from .services import categories
from .workflow import Status

# ---------------------------------------------------------------- weekly digest

DIGEST_PAGE_SIZE = 25  # as every other list: a phone screenful or two; the print page holds the whole week


def week_start(day: date | None = None) -> date:
    """The Monday of `day`'s week, by default of the current one: a slip typed in today is in it."""
    day = day or today()
    return day - timedelta(days=day.weekday())


def shift(monday: date, days: int) -> date:
    return monday + timedelta(days=days)


@dataclass
class Digest:
    monday: date
    sunday: date
    statuses: list          # Status members, the table's columns
    rows: list              # (category, {status: count}, total)
    totals: dict            # status -> count
    total: int
    items: list             # the suggestions listed: the whole week, or one page of it (see `page`)
    page: object = None     # the Pagination on screen; None for the whole week (print, CSV, Excel)
    answers: dict = None    # suggestion id -> its latest published office answer (answer, reason, plan, date)
    now: object = None

    def answer_of(self, suggestion) -> Answer | None:
        return (self.answers or {}).get(suggestion.id)

    def overdue(self, suggestion) -> bool:
        """Unanswered past its due day, or deferred past the target date its answer promised."""
        if suggestion.is_overdue(self.now):
            return True
        answer = self.answer_of(suggestion)
        return bool(suggestion.status == Status.DEFERRED.value and answer and answer.target_date
                    and answer.target_date < to_local(self.now).date())


def _listed_in(monday: date, sunday: date):
    """Received that week, or answered by the office that week (a published answer, not the author's reply),
    as (id, created_at) rows. Received that week is read from the created_at index alone; answered that week
    adds only what was received before it, so the two parts never overlap and need no UNION's sort."""
    start, end = day_bounds(monday, sunday)
    received = select(Suggestion.id, Suggestion.created_at).where(received_between(monday, sunday))
    answered_earlier = (select(Suggestion.id, Suggestion.created_at).distinct()
                        .join(Answer, Answer.suggestion_id == Suggestion.id)
                        .where(Answer.published_at >= start, Answer.published_at < end,
                               Answer.from_author.is_(False), Suggestion.created_at < start))
    return union_all(received, answered_earlier).subquery()


@dataclass
class WeekPage:
    """One page of the week's list, as the pager reads it (what a Flask-SQLAlchemy Pagination offers)."""
    items: list
    page: int
    total: int
    per_page: int = DIGEST_PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1


def _listing_page(monday: date, sunday: date, page: int) -> WeekPage:
    """One page of the week's list. The week's ids are read in order from the indexes in one statement
    (a week is a few thousand numbers at most): the page is a slice of them and the count their number,
    where a LIMIT and a count would each read them. Then only the page's rows are read."""
    week = _listed_in(monday, sunday)
    ids = list(db.session.scalars(select(week.c.id).order_by(week.c.created_at, week.c.id)))
    page = max(1, page)
    shown = ids[(page - 1) * DIGEST_PAGE_SIZE:page * DIGEST_PAGE_SIZE]
    rows = {s.id: s for s in db.session.scalars(select(Suggestion).where(Suggestion.id.in_(shown)))} if shown else {}
    return WeekPage([rows[ident] for ident in shown], page, len(ids))


def _latest_answers(items) -> dict:
    query = (select(Answer).where(Answer.suggestion_id.in_([s.id for s in items]), Answer.published_at.is_not(None),
                                  Answer.from_author.is_(False)).order_by(Answer.thread_at))
    return {answer.suggestion_id: answer for answer in db.session.scalars(query)} if items else {}


def digest(monday: date, page: int | None = None) -> Digest:
    """What came in during one Monday–Sunday week, counted by category and status, and listed: one page
    of it on screen (`page`), the whole week for the print page and the downloads (the week's record)."""
    sunday = monday + timedelta(days=6)
    in_week = received_between(monday, sunday)
    counts = db.session.execute(select(Suggestion.category_id, Suggestion.status, func.count())
                                .where(in_week).group_by(Suggestion.category_id, Suggestion.status)).all()
    by_category: dict[int, dict] = {}
    for category_id, status, count in counts:
        by_category.setdefault(category_id, {})[Status(status)] = count
    statuses = [s for s in Status]
    rows = [(c, by_category[c.id], sum(by_category[c.id].values()))
            for c in categories(active_only=False) if c.id in by_category]
    totals = {s: sum(r[1].get(s, 0) for r in rows) for s in statuses}
    if page is None:
        week = _listed_in(monday, sunday)
        listing = select(Suggestion).join(week, week.c.id == Suggestion.id).order_by(Suggestion.created_at,
                                                                                     Suggestion.id)
        items, shown = list(db.session.scalars(listing)), None
    else:
        shown = _listing_page(monday, sunday, page)
        items = shown.items
    return Digest(monday, sunday, statuses, rows, totals, sum(totals.values()), items, shown,
                  _latest_answers(items), utcnow())


def _export_rows(result: Digest) -> list[list]:
    """The digest as a sheet: the count table, a blank line, then every suggestion of the week."""
    head = [_("Category")] + [str(s.label) for s in result.statuses] + [_("Total")]
    lines = [[_("Suggestions received %(start)s – %(end)s", start=result.monday.isoformat(),
                end=result.sunday.isoformat())], head]
    for category, counts, total in result.rows:
        lines.append([str(category)] + [counts.get(s, 0) for s in result.statuses] + [total])
    lines.append([_("Total")] + [result.totals[s] for s in result.statuses] + [result.total])
    lines += [[], [_("Number"), _("Received on"), _("Category"), _("Status"), _("Source"), _("Title"),
                   _("Answer or reason"), _("Plan"), _("Target date"), _("Overdue")]]
    for s in result.items:
        answer = result.answer_of(s)
        lines.append([s.reference or str(s.id), _local_day(s).isoformat(), str(s.category), str(s.status_enum.label),
                      _("paper slip") if s.source == "paper" else _("online"), s.title,
                      answer.body if answer else "", (answer.plan or "") if answer else "",
                      answer.target_date.isoformat() if answer and answer.target_date else "",
                      _("Overdue") if result.overdue(s) else ""])
    return lines


def _local_day(suggestion: Suggestion) -> date:
    return to_local(suggestion.created_at).date()


def digest_csv(result: Digest) -> bytes:
    return csv_bytes(_export_rows(result))


def digest_xlsx(result: Digest) -> bytes:
    """One sheet named after the week's Monday, its title line and column heads in bold."""
    return xlsx_bytes(_export_rows(result), result.monday.isoformat(), bold_rows=(1, 2),
                      widths={"F": 50, "G": 50, "H": 40})


# ---------------------------------------------------------------- dashboard card

@dataclass
class MonthFigures:
    average: float | None     # mean rating 1–5, None without ratings
    ratings: int
    on_time_share: float | None  # share answered by the due day, of those answered or overdue
    counted: int


def _month_start(day: date, back: int = 0) -> date:
    first = day.replace(day=1)
    for _i in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def month_figures(first: date) -> MonthFigures:
    after = (first + timedelta(days=32)).replace(day=1)
    score = db.session.execute(select(func.avg(Rating.score), func.count(Rating.suggestion_id))
                               .where(Rating.rated_on >= first, Rating.rated_on < after)).one()
    on_time = case((Suggestion.first_answered_at <= Suggestion.answer_due_at, 1), else_=0)
    due = case(((Suggestion.first_answered_at.is_not(None)) | (Suggestion.answer_due_at < utcnow()), 1), else_=0)
    start, end = day_bounds(first, after - timedelta(days=1))
    answered = db.session.execute(select(func.sum(on_time), func.sum(due)).where(
        Suggestion.created_at >= start, Suggestion.created_at < end)).one()
    counted = int(answered[1] or 0)
    return MonthFigures(float(score[0]) if score[0] is not None else None, int(score[1]),
                        (int(answered[0] or 0) / counted) if counted else None, counted)


def card_figures() -> tuple[MonthFigures, MonthFigures]:
    day = today()
    return month_figures(_month_start(day)), month_figures(_month_start(day, 1))

