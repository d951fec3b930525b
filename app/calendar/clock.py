"""The one working clock: working hours with the lunch break cut out, on the working calendar's days.

Repairs' SLA clocks and cross-department requests' answer and completion clocks both run on it.
Settings (declared with their defaults in app/config.py):
  CALENDAR_WORKING_HOURS  ["08:30", "17:30"] in the office time zone (TIMEZONE).
  CALENDAR_LUNCH_BREAK    ["12:00", "13:00"], not working time; an empty list for none.
Which days are working days is `app.calendar.services.is_working_day`.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app

from app.timeutil import office_tz, to_local, to_utc

from . import services as working_calendar


@dataclass(frozen=True)
class Calendar:
    """The working hours of a working day, with the lunch break cut out of them."""
    start: time
    end: time
    lunch: tuple[time, time] | None = None

    @property
    def periods(self) -> tuple[tuple[time, time], ...]:
        """The stretches of working time in a working day: morning and afternoon around lunch."""
        if self.lunch is None:
            return ((self.start, self.end),)
        # A break configured partly outside the working hours only cuts the part inside them.
        lunch_start, lunch_end = max(self.lunch[0], self.start), min(self.lunch[1], self.end)
        if lunch_start >= lunch_end:
            return ((self.start, self.end),)
        return tuple((a, b) for a, b in ((self.start, lunch_start), (lunch_end, self.end)) if a < b)

    @property
    def day_length(self) -> timedelta:
        """The working time of one working day: what a "1d" span means on a working-time clock."""
        return sum((_on(date.min, b) - _on(date.min, a) for a, b in self.periods), timedelta())

    @staticmethod
    def is_working_day(day: date) -> bool:
        return working_calendar.is_working_day(day)

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working time as local (naive) moments; none on a day off."""
        if not self.is_working_day(day):
            return []
        return [(_on(day, a), _on(day, b)) for a, b in self.periods]

    def is_open(self, local: datetime) -> bool:
        """Within the working day's hours; the lunch break counts as open (people are in the building)."""
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end


def _on(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def calendar() -> Calendar:
    config = current_app.config
    start, end = config["CALENDAR_WORKING_HOURS"]
    lunch = config["CALENDAR_LUNCH_BREAK"]
    return Calendar(start=_clock(start), end=_clock(end),
                    lunch=(_clock(lunch[0]), _clock(lunch[1])) if lunch else None)


_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_span(text) -> timedelta:
    """A configured span such as "30m", "4h" or "1d" (on a working-time clock, a working day)."""
    text = str(text).strip().lower()
    return timedelta(**{_UNITS[text[-1]]: float(text[:-1])})


def working_span(span: timedelta, cal: Calendar) -> timedelta:
    """A configured span in working time: whole days are working days of `day_length` each."""
    return span.days * cal.day_length + timedelta(seconds=span.seconds)


def naive_local(moment_utc: datetime) -> datetime:
    return to_local(moment_utc).replace(tzinfo=None)


# Ten years of calendar days: a bound, never reached with a sane calendar.
_SEARCH_LIMIT = 3660


def add_working_time(start_utc: datetime, span: timedelta, cal: Calendar) -> datetime:
    """The UTC moment when `span` of working time has passed after `start_utc`."""
    local = naive_local(start_utc)
    remaining = span
    for _ in range(_SEARCH_LIMIT):
        day = local.date()
        for opens, closes in cal.spans(day):
            begin = max(local, opens)
            if begin >= closes:
                continue
            if begin + remaining <= closes:
                return to_utc((begin + remaining).replace(tzinfo=office_tz()))
            remaining -= closes - begin
        local = _on(day + timedelta(days=1), time.min)
    raise ValueError("the working calendar has no working time")


def working_time_between(start_utc: datetime, end_utc: datetime, cal: Calendar) -> timedelta:
    """How much working time lies between two UTC moments (zero if end is before start)."""
    local, end = naive_local(start_utc), naive_local(end_utc)
    total = timedelta()
    while local < end:
        day = local.date()
        for opens, closes in cal.spans(day):
            begin, finish = max(local, opens), min(end, closes)
            if finish > begin:
                total += finish - begin
        local = _on(day + timedelta(days=1), time.min)
    return total




def pause_extension(due: datetime, paused_from: datetime, paused_to: datetime) -> datetime:
    """A working-time due moment pushed on by the working time lost while the clock stood still."""
    cal = calendar()
    lost = working_time_between(paused_from, paused_to, cal)
    # A wait that cost no working time (a night, a holiday) leaves the due time as it was.
    return add_working_time(due, lost, cal) if lost else due


def after_working_days(start_utc: datetime, days: int) -> datetime:
    """`days` working days of working time after `start_utc` ("answer within 1 working day")."""
    cal = calendar()
    return add_working_time(start_utc, days * cal.day_length, cal)
