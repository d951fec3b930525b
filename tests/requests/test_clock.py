"""Requests run on the repairs' working clock (app/calendar/clock.py): working days, hours and lunch."""
from datetime import datetime

from app.calendar.clock import after_working_days, pause_extension
from app.timeutil import office_tz, to_utc


def _utc(text: str) -> datetime:
    return to_utc(datetime.fromisoformat(text).replace(tzinfo=office_tz()))


def test_one_working_day_from_friday_afternoon_is_monday_afternoon(app):
    app.config.update(CALENDAR_WORKING_HOURS=["08:30", "17:30"], CALENDAR_LUNCH_BREAK=["12:00", "13:00"])
    # 2026-11-27 is a Friday; the weekend is not working time.
    assert after_working_days(_utc("2026-11-27 16:00"), 1) == _utc("2026-11-30 16:00")


def test_filed_at_night_the_clock_starts_at_the_next_opening(app):
    app.config.update(CALENDAR_WORKING_HOURS=["08:30", "17:30"], CALENDAR_LUNCH_BREAK=["12:00", "13:00"])
    # Eight working hours from Tuesday 08:30, with the lunch hour left out, end at 17:30.
    assert after_working_days(_utc("2026-11-23 22:00"), 1) == _utc("2026-11-24 17:30")


def test_waiting_over_a_night_costs_no_working_time(app):
    app.config.update(CALENDAR_WORKING_HOURS=["08:30", "17:30"], CALENDAR_LUNCH_BREAK=["12:00", "13:00"])
    due = _utc("2026-11-26 15:00")
    assert pause_extension(due, _utc("2026-11-24 18:00"), _utc("2026-11-25 08:00")) == due
    # Two working hours of waiting push the due time on by two working hours.
    assert pause_extension(due, _utc("2026-11-24 09:00"), _utc("2026-11-24 11:00")) == _utc("2026-11-26 17:00")
