"""The SLA clocks: when the first response and the fix are due, in clock time or working time.

Settings (declared with their defaults in app/config.py; `rule()` and `calendar()` read them):
  REPAIRS_SLA             {urgency: [response, fix, working_time]}, spans written "30m", "4h", "1d"
                          (`parse_span`); on a working-time clock a day is a *working* day (its
                          working hours less the lunch break) and an hour a working hour.
  CALENDAR_WORKING_HOURS  ["08:30", "17:30"] in the office time zone (TIMEZONE).
  CALENDAR_LUNCH_BREAK    ["12:00", "13:00"], not working time; an empty list for none.
Which days are working days is the one working calendar's answer (app.calendar.services.is_working_day):
statutory holidays, make-up working days (调休) and the office's own closures and extra days.
"""
from datetime import datetime, timedelta

from flask import current_app

# The clock itself is shared with cross-department requests; the names stay importable from here.
from app.calendar.clock import (  # noqa: F401
    Calendar,
    add_working_time,
    calendar,
    naive_local,
    parse_span,
    pause_extension,
    working_span,
    working_time_between,
)


def rule(urgency: str) -> tuple[timedelta, timedelta, bool]:
    """(response span, fix span, whether they count working time) for an urgency."""
    response, fix, working_time = current_app.config["REPAIRS_SLA"][urgency]
    return parse_span(response), parse_span(fix), bool(working_time)


def due_times(urgency: str, start_utc: datetime) -> tuple[datetime, datetime]:
    """(first response due, fix due) for a request filed at `start_utc`."""
    response, fix, working = rule(urgency)
    if not working:
        return start_utc + response, start_utc + fix
    cal = calendar()
    return (add_working_time(start_utc, working_span(response, cal), cal),
            add_working_time(start_utc, working_span(fix, cal), cal))


def extend_for_pause(urgency: str, fix_due: datetime, paused_from: datetime, paused_to: datetime) -> datetime:
    """The fix clock stood still while the request waited: push the due time by the clock time lost."""
    if rule(urgency)[2]:
        return pause_extension(fix_due, paused_from, paused_to)
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
    """Outside the working day (nights, days off): new requests go to the person on duty first."""
    return not calendar().is_open(naive_local(moment_utc))
