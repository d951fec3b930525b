"""Closing the loop in numbers: the weekly digest and the satisfaction card."""
import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, func, select

from app.extensions import db
from app.timeutil import to_local, utcnow

from .models import Rating, Suggestion
from .services import categories, local_day_bounds, local_today, start_of_day
from .workflow import Status


# ---------------------------------------------------------------- weekly digest

def week_start(day: date | None = None) -> date:
    """The Monday of the week before `day`'s week (the digest's default), or of `day`'s own week."""
    if day is None:
        today = local_today()
        return today - timedelta(days=today.weekday() + 7)
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
    items: list             # every suggestion of the week, oldest first


def digest(monday: date) -> Digest:
    """What came in during one Monday–Sunday week, counted by category and status, and listed whole:
    the printed digest is the week's record, and a week brings a few hundred at most."""
    sunday = monday + timedelta(days=6)
    in_week = local_day_bounds(monday, sunday)
    counts = db.session.execute(select(Suggestion.category_id, Suggestion.status, func.count())
                                .where(in_week).group_by(Suggestion.category_id, Suggestion.status)).all()
    by_category: dict[int, dict] = {}
    for category_id, status, count in counts:
        by_category.setdefault(category_id, {})[Status(status)] = count
    statuses = [s for s in Status]
    rows = [(c, by_category[c.id], sum(by_category[c.id].values()))
            for c in categories(active_only=False) if c.id in by_category]
    totals = {s: sum(r[1].get(s, 0) for r in rows) for s in statuses}
    listing = list(db.session.scalars(select(Suggestion).where(in_week)
                                      .order_by(Suggestion.created_at, Suggestion.id)))
    return Digest(monday, sunday, statuses, rows, totals, sum(totals.values()), listing)


def _export_rows(result: Digest) -> list[list]:
    """The digest as a sheet: the count table, a blank line, then every suggestion of the week."""
    head = [_("Category")] + [str(s.label) for s in result.statuses] + [_("Total")]
    lines = [[_("Suggestions received %(start)s – %(end)s", start=result.monday.isoformat(),
                end=result.sunday.isoformat())], head]
    for category, counts, total in result.rows:
        lines.append([str(category)] + [counts.get(s, 0) for s in result.statuses] + [total])
    lines.append([_("Total")] + [result.totals[s] for s in result.statuses] + [result.total])
    lines += [[], [_("Number"), _("Received on"), _("Category"), _("Status"), _("Source"), _("Title")]]
    for s in result.items:
        lines.append([str(s.id), _local_day(s).isoformat(), str(s.category), str(s.status_enum.label),
                      _("paper slip") if s.source == "paper" else _("online"), s.title])
    return lines


def _local_day(suggestion: Suggestion) -> date:
    return to_local(suggestion.created_at).date()


def digest_csv(result: Digest) -> bytes:
    """UTF-8 with a BOM, so Excel on Chinese Windows opens it without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in _export_rows(result):
        writer.writerow([_safe_cell(v) for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def digest_xlsx(result: Digest) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = result.monday.isoformat()
    for line in _export_rows(result):
        sheet.append([_safe_cell(v) for v in line])
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["F"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe_cell(value):
    """Employee text starting with = + - @ would run as a formula in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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
    score = db.session.execute(select(func.avg(Rating.score), func.count(Rating.id))
                               .where(Rating.rated_on >= first, Rating.rated_on < after)).one()
    on_time = case((Suggestion.first_answered_at <= Suggestion.answer_due_at, 1), else_=0)
    due = case(((Suggestion.first_answered_at.is_not(None)) | (Suggestion.answer_due_at < utcnow()), 1), else_=0)
    answered = db.session.execute(select(func.sum(on_time), func.sum(due)).where(
        Suggestion.created_at >= start_of_day(first), Suggestion.created_at < start_of_day(after))).one()
    counted = int(answered[1] or 0)
    return MonthFigures(float(score[0]) if score[0] is not None else None, int(score[1]),
                        (int(answered[0] or 0) / counted) if counted else None, counted)


def card_figures() -> tuple[MonthFigures, MonthFigures]:
    today = local_today()
    return month_figures(_month_start(today)), month_figures(_month_start(today, 1))

