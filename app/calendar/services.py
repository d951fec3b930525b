"""Is this a working day? One answer for the whole product.

Order of authority: a day the office set (in the app, or in OFFICEHUB_CALENDAR_CLOSED_DAYS /
OFFICEHUB_CALENDAR_WORKING_DAYS), then the State Council's schedule as `chinesecalendar` knows it
(holidays and make-up working days), and for years the package does not know yet, Monday to Friday.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

import chinese_calendar
from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.errors import Refused
from app.extensions import db
from app.i18n import current_locale_code

from .models import CLOSED, WORKING, OfficeDay

FIRST_KNOWN_YEAR = 2004
# Ten years of days: a bound no sane calendar reaches when counting working days forward.
_SEARCH_LIMIT = 3660


class CalendarError(Refused):
    """The day can't be set as asked; the message names the field."""


@cache
def _last_known_year() -> int:
    return max(chinese_calendar.constants.holidays).year


def knows_year(year: int) -> bool:
    """Whether the State Council's schedule for `year` is in the installed package."""
    return FIRST_KNOWN_YEAR <= year <= _last_known_year()


def _office_days() -> dict[date, str]:
    """The office's own days (configuration, then the app's table), read once per request or job run."""
    cached = g.get("_office_days")
    if cached is None:
        config = current_app.config
        cached = {date.fromisoformat(d): CLOSED for d in config["CALENDAR_CLOSED_DAYS"]}
        cached.update({date.fromisoformat(d): WORKING for d in config["CALENDAR_WORKING_DAYS"]})
        cached.update({row.day: row.kind for row in db.session.scalars(select(OfficeDay))})
        g._office_days = cached
    return cached


def _forget() -> None:
    g.pop("_office_days", None)


@lru_cache(maxsize=8192)
def statutory_working_day(day: date) -> bool:
    """The national schedule alone (fixed data, so cached: SLA clocks ask it thousands of times)."""
    if knows_year(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    kind = _office_days().get(day)
    if kind is not None:
        return kind == WORKING
    return statutory_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """The date `count` working days after `day` (the day itself does not count)."""
    for _ in range(_SEARCH_LIMIT):
        if count <= 0:
            return day
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    for _ in range(_SEARCH_LIMIT):
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class SpecialDay:
    day: date
    working: bool
    source: str      # "office" or "state"
    note: str


def special_days(first: date, last: date) -> list[SpecialDay]:
    """Days between `first` and `last` that differ from a plain Monday-to-Friday week, with why."""
    found = []
    office = _office_days()
    day = first
    while day <= last:
        if day in office:
            row = db.session.get(OfficeDay, day)
            found.append(SpecialDay(day, office[day] == WORKING, "office", row.note if row else ""))
        elif statutory_working_day(day) != (day.weekday() < 5):
            holiday, name = chinese_calendar.get_holiday_detail(day) if knows_year(day.year) else (False, None)
            found.append(SpecialDay(day, not holiday, "state", _holiday_name(name)))
        day += timedelta(days=1)
    return found


def _holiday_name(english: str | None) -> str:
    """The holiday's name in the reader's language (the package names them in both)."""
    if not english:
        return ""
    if current_locale_code() != "zh_CN":
        return english
    return next((h.chinese for h in chinese_calendar.Holiday if h.value == english), english)


def set_day(day: date, kind: str, note: str, user) -> OfficeDay:
    """Mark a company closure or an extra working day; a day set again is replaced."""
    if kind not in (CLOSED, WORKING):
        raise CalendarError(_l("Choose a closure or a working day."), field="kind")
    row = db.session.get(OfficeDay, day) or OfficeDay(day=day)
    row.kind, row.note, row.created_by_id = kind, note.strip(), user.id
    db.session.add(row)
    db.session.commit()
    _forget()
    return row


def clear_day(day: date) -> bool:
    removed = db.session.execute(delete(OfficeDay).where(OfficeDay.day == day)).rowcount
    db.session.commit()
    _forget()
    return bool(removed)
