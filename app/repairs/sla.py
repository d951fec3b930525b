"""The SLA clocks: when the first response and the fix are due, in clock time or working time.

Settings (declared with their defaults in app/config.py; `rule()` and `calendar()` read them):
  REPAIRS_SLA            {urgency: [response, fix, working_time]}, spans written "30m", "4h", "1d"
                         (`parse_span`); on a working-time clock a day is a *working* day and an
                         hour a working hour.
  REPAIRS_WORKING_DAYS   weekdays that are working days, Monday = 0.
  REPAIRS_WORKING_HOURS  ["08:30", "17:30"] in the office time zone (TIMEZONE).
  REPAIRS_HOLIDAYS       ISO dates that are not working days.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app

from app.timeutil import office_tz, to_local, to_utc


@dataclass(frozen=True)
class Calendar:
    working_days: frozenset
    start: time
    end: time
    holidays: frozenset

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays

    def is_working_time(self, local: datetime) -> bool:
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def calendar() -> Calendar:
    config = current_app.config
    start, end = config["REPAIRS_WORKING_HOURS"]
    return Calendar(
        working_days=frozenset(config["REPAIRS_WORKING_DAYS"]),
        start=_clock(start), end=_clock(end),
        holidays=frozenset(date.fromisoformat(d) for d in config["REPAIRS_HOLIDAYS"]))


_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_span(text) -> timedelta:
    """A configured span such as "30m", "4h" or "1d" (on a working-time clock, a working day)."""
    text = str(text).strip().lower()
    return timedelta(**{_UNITS[text[-1]]: float(text[:-1])})


def rule(urgency: str) -> tuple[timedelta, timedelta, bool]:
    """(response span, fix span, whether they count working time) for an urgency."""
    response, fix, working_time = current_app.config["REPAIRS_SLA"][urgency]
    return parse_span(response), parse_span(fix), bool(working_time)


def _working_span(span: timedelta, cal: Calendar) -> timedelta:
    """A configured span in working time: whole days are working days of `day_length` each."""
    return span.days * cal.day_length + timedelta(seconds=span.seconds)


def _naive_local(moment_utc: datetime) -> datetime:
    return to_local(moment_utc).replace(tzinfo=None)


def add_working_time(start_utc: datetime, span: timedelta, cal: Calendar) -> datetime:
    """The UTC moment when `span` of working time has passed after `start_utc`."""
    local = _naive_local(start_utc)
    remaining = span
    for _ in range(3660):  # ten years of calendar days: a bound, never reached with a sane calendar
        day = local.date()
        if cal.is_working_day(day):
            opens, closes = datetime.combine(day, cal.start), datetime.combine(day, cal.end)
            begin = max(local, opens)
            if begin < closes:
                if begin + remaining <= closes:
                    return to_utc((begin + remaining).replace(tzinfo=office_tz()))
                remaining -= closes - begin
        local = datetime.combine(day + timedelta(days=1), time.min)
    raise ValueError("the working calendar has no working time")


def working_time_between(start_utc: datetime, end_utc: datetime, cal: Calendar) -> timedelta:
    """How much working time lies between two UTC moments (zero if end is before start)."""
    local, end = _naive_local(start_utc), _naive_local(end_utc)
    total = timedelta()
    while local < end:
        day = local.date()
        if cal.is_working_day(day):
            begin = max(local, datetime.combine(day, cal.start))
            finish = min(end, datetime.combine(day, cal.end))
            if finish > begin:
                total += finish - begin
        local = datetime.combine(day + timedelta(days=1), time.min)
    return total


def due_times(urgency: str, start_utc: datetime) -> tuple[datetime, datetime]:
    """(first response due, fix due) for a request filed at `start_utc`."""
    response, fix, working = rule(urgency)
    if not working:
        return start_utc + response, start_utc + fix
    cal = calendar()
    return (add_working_time(start_utc, _working_span(response, cal), cal),
            add_working_time(start_utc, _working_span(fix, cal), cal))


def extend_for_pause(urgency: str, fix_due: datetime, paused_from: datetime, paused_to: datetime) -> datetime:
    """The fix clock stood still while the request waited: push the due time by the clock time lost."""
    if rule(urgency)[2]:
        cal = calendar()
        return add_working_time(fix_due, working_time_between(paused_from, paused_to, cal), cal)
    return fix_due + max(paused_to - paused_from, timedelta())


def fix_left_at_pause(urgency: str, fix_due: datetime, paused_at: datetime) -> tuple[timedelta, bool]:
    """(fix time left when the request began to wait, whether that is working time).

    Left is counted the way the clock runs, so it is what remains once work goes on; a request
    that was already late when it paused gives a negative span, late by clock time as everywhere else.
    """
    working = rule(urgency)[2]
    if paused_at > fix_due:
        return fix_due - paused_at, working
    if working:
        return working_time_between(paused_at, fix_due, calendar()), True
    return fix_due - paused_at, False


def is_after_hours(moment_utc: datetime) -> bool:
    return not calendar().is_working_time(_naive_local(moment_utc))
