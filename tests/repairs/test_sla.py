"""SLA clocks: around the clock for emergencies and urgent faults, working time for normal ones (the one
working calendar's days, its hours less lunch), in the configured office time zone, with the fix clock
standing still while a request waits."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.auth.roles import Role
from app.calendar import services as calendar_services
from app.calendar.models import CLOSED
from app.repairs import roster, sla

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(local: str, tz=SHANGHAI) -> datetime:
    """A local office time written by hand, as the naive UTC the app stores."""
    return datetime.fromisoformat(local).replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def test_emergency_runs_around_the_clock(app):
    filed = utc("2026-11-21 23:50")  # a Saturday night
    assert sla.due_times("emergency", filed) == (filed + timedelta(minutes=30), filed + timedelta(hours=4))


def test_urgent_runs_around_the_clock(app):
    filed = utc("2026-11-20 17:00")
    assert sla.due_times("urgent", filed) == (filed + timedelta(hours=2), filed + timedelta(hours=24))


def test_normal_counts_working_hours_over_the_weekend(app):
    # Friday 16:30, working day 08:30–17:30 (9 h): one working day ends Monday 16:30,
    # three working days end Wednesday 16:30.
    response, fix = sla.due_times("normal", utc("2026-11-20 16:30"))
    assert response == utc("2026-11-23 16:30")
    assert fix == utc("2026-11-25 16:30")


def test_normal_filed_on_a_weekend_starts_on_monday_morning(app):
    response, _fix = sla.due_times("normal", utc("2026-11-21 10:00"))
    assert response == utc("2026-11-23 17:30")


def test_normal_filed_before_opening_starts_at_opening(app):
    response, _fix = sla.due_times("normal", utc("2026-11-24 06:00"))
    assert response == utc("2026-11-24 17:30")


def test_working_hours_lunch_and_office_days_come_from_the_calendar_settings(app):
    app.config.update(CALENDAR_WORKING_HOURS=["09:00", "17:00"], CALENDAR_LUNCH_BREAK=[],
                      CALENDAR_WORKING_DAYS=["2026-11-21"], CALENDAR_CLOSED_DAYS=["2026-11-23"])
    # Friday 16:00: 1 h on Friday, then Saturday works (8 h a day): a working day ends Saturday 16:00.
    response, fix = sla.due_times("normal", utc("2026-11-20 16:00"))
    assert response == utc("2026-11-21 16:00")
    # Three days = 24 h: Fri 1 + Sat 8 + (Sunday off, Monday closed) Tue 8 + Wed 7 → Wednesday 16:00.
    assert fix == utc("2026-11-25 16:00")


def test_a_working_day_is_its_hours_less_lunch(app):
    assert sla.calendar().day_length == timedelta(hours=8)  # 08:30–17:30 less 12:00–13:00
    app.config.update(CALENDAR_WORKING_HOURS=["09:00", "17:00"], CALENDAR_LUNCH_BREAK=["11:30", "13:00"])
    assert sla.calendar().day_length == timedelta(hours=6, minutes=30)
    app.config["CALENDAR_LUNCH_BREAK"] = []
    assert sla.calendar().day_length == timedelta(hours=8)


def test_national_day_stops_the_clock_and_the_make_up_saturday_runs_it(app):
    # Wednesday 30 September 16:00: 1 h 30 that day, then 1–7 October off (National Day).
    response, fix = sla.due_times("normal", utc("2026-09-30 16:00"))
    # One working day (8 h): 1 h 30 + Thursday 8 October 08:30–12:00 and 13:00–16:00.
    assert response == utc("2026-10-08 16:00")
    # Three (24 h): 1 h 30 + Thursday 8 + Friday 8 + Saturday 10 October, a make-up working day, 6 h 30.
    assert fix == utc("2026-10-10 16:00")


def test_lunch_is_not_working_time(app):
    app.config["REPAIRS_SLA"] = {**app.config["REPAIRS_SLA"], "normal": ["2h", "3d", True]}
    response, _fix = sla.due_times("normal", utc("2026-11-24 11:00"))
    assert response == utc("2026-11-24 14:00")  # 11:00–12:00, lunch, 13:00–14:00
    assert sla.working_time_between(utc("2026-11-24 11:30"), utc("2026-11-24 13:30"), sla.calendar()) == (
        timedelta(hours=1))
    # Filed during lunch, the clock starts when lunch ends.
    assert sla.due_times("normal", utc("2026-11-24 12:20"))[0] == utc("2026-11-24 15:00")


def test_an_office_closure_set_in_the_app_moves_the_deadline(app, make_user):
    filed = utc("2026-11-25 16:30")  # a Wednesday
    assert sla.due_times("normal", filed)[0] == utc("2026-11-26 16:30")
    calendar_services.set_day(date(2026, 11, 26), CLOSED, "公司团建 Company outing", make_user(Role.OFFICE))
    assert sla.due_times("normal", filed)[0] == utc("2026-11-27 16:30")


def test_the_sla_table_is_configurable(app):
    app.config["REPAIRS_SLA"] = {**app.config["REPAIRS_SLA"], "urgent": ["1h", "8h", False],
                                 "normal": ["90m", "2d", True]}
    filed = utc("2026-11-20 12:00")  # a Friday
    assert sla.due_times("urgent", filed) == (filed + timedelta(hours=1), filed + timedelta(hours=8))
    # Lunch is not working time, so 90 minutes from Friday noon end at 14:30; on a working-time clock
    # a day is a working day: Friday noon plus two is Tuesday noon.
    assert sla.due_times("normal", filed) == (utc("2026-11-20 14:30"), utc("2026-11-24 12:00"))


@pytest.mark.parametrize("text, span", [("30m", timedelta(minutes=30)), ("4h", timedelta(hours=4)),
                                        (" 1D ", timedelta(days=1)), ("1.5h", timedelta(minutes=90))])
def test_sla_spans_are_written_in_minutes_hours_or_days(text, span):
    assert sla.parse_span(text) == span


def test_the_office_time_zone_decides_what_working_hours_mean(app):
    app.config["TIMEZONE"] = "Europe/Berlin"
    berlin = ZoneInfo("Europe/Berlin")
    response, _fix = sla.due_times("normal", utc("2026-11-20 16:30", berlin))
    assert response == utc("2026-11-23 16:30", berlin)
    # The same UTC moment is already after hours in Shanghai, so Shanghai would answer differently.
    app.config["TIMEZONE"] = "Asia/Shanghai"
    assert sla.due_times("normal", utc("2026-11-20 16:30", berlin))[0] != response


def test_pause_extends_a_working_time_clock_only_by_working_time_lost(app):
    fix_due = utc("2026-11-25 16:30")
    # Waiting from Friday 17:00 to Monday 09:00 costs 30 min on Friday and 30 min on Monday.
    extended = sla.extend_for_pause("normal", fix_due, utc("2026-11-20 17:00"), utc("2026-11-23 09:00"))
    assert extended == utc("2026-11-25 17:30")


def test_a_wait_over_a_night_or_a_lunch_costs_no_working_time(app):
    fix_due = utc("2026-11-25 17:30")  # due at closing time, Wednesday
    assert sla.extend_for_pause("normal", fix_due, utc("2026-11-24 18:00"), utc("2026-11-25 08:00")) == fix_due
    assert sla.extend_for_pause("normal", fix_due, utc("2026-11-24 12:05"), utc("2026-11-24 12:55")) == fix_due


def test_pause_extends_a_clock_time_clock_by_the_whole_pause(app):
    fix_due = utc("2026-11-21 04:00")
    extended = sla.extend_for_pause("urgent", fix_due, utc("2026-11-20 20:00"), utc("2026-11-20 23:30"))
    assert extended == fix_due + timedelta(hours=3, minutes=30)


# Lunch is not after hours: maintenance is in the building, so a new request still goes to all of them.
@pytest.mark.parametrize("local, after", [("2026-11-20 10:00", False), ("2026-11-20 12:30", False),
                                          ("2026-11-20 18:00", True), ("2026-11-21 10:00", True),
                                          ("2026-11-23 08:29", True), ("2026-10-05 10:00", True),
                                          ("2026-10-10 10:00", False)])
def test_after_hours(app, local, after):
    assert sla.is_after_hours(utc(local)) is after


@pytest.mark.parametrize("local, slot", [("2026-11-20 10:00", ("2026-11-20", "day")),
                                         ("2026-11-20 21:00", ("2026-11-20", "night")),
                                         ("2026-11-21 03:00", ("2026-11-20", "night"))])
def test_the_night_shift_runs_past_midnight(app, local, slot):
    day, shift = roster.shift_at(utc(local))
    assert (day.isoformat(), shift) == slot


def test_a_paused_working_time_clock_keeps_the_working_time_that_was_left(app):
    # Paused Friday 17:00 with the fix due Monday 10:00: 30 min on Friday and 1 h 30 on Monday remain.
    left, working = sla.fix_left_at_pause("normal", utc("2026-11-23 10:00"), utc("2026-11-20 17:00"))
    assert (left, working) == (timedelta(hours=2), True)


def test_a_paused_round_the_clock_timer_keeps_the_clock_time_left_or_how_late_it_was(app):
    fix_due = utc("2026-11-21 04:00")
    assert sla.fix_left_at_pause("urgent", fix_due, fix_due - timedelta(hours=5, minutes=20)) == (
        timedelta(hours=5, minutes=20), False)
    left, _working = sla.fix_left_at_pause("urgent", fix_due, fix_due + timedelta(hours=3))
    assert left == -timedelta(hours=3)


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_clock_reads_as_babel_words_it_for_every_span(app, language):
    """Clock texts are worded once per unit and count (every list row shows one); what a reader sees must be
    what Babel writes for that very span: both sides of each rounding step, past and future, both languages."""
    from flask_babel import format_timedelta

    from app.repairs.clock import clock_text

    now = datetime(2026, 11, 29, 8, 0)
    spans = [0, 1, 59, 60, 89, 90, 91, 3599, 5399, 5400, 5401, 86399, 129599, 129600, 604799, 907199, 907200,
             2591999, 3887999, 3888000, 47304000, 47304001]
    with app.test_request_context(headers={"Accept-Language": language}):
        for seconds in spans:
            for sign in (1, -1):
                left = timedelta(seconds=sign * seconds)
                babel = format_timedelta(abs(left), granularity="minute", threshold=1.5)
                assert babel in clock_text(now + left, now), (seconds, sign)


def test_a_clock_just_past_its_due_time_does_not_change_how_later_clocks_read(app):
    """A clock overdue by a fraction of a second once left "0 minutes" as the words kept for every 1-minute clock."""
    from app.repairs.clock import clock_text

    now = datetime(2026, 11, 29, 8, 0)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert clock_text(now - timedelta(milliseconds=400), now) == "overdue by 0 minutes"
        assert clock_text(now + timedelta(seconds=40), now) == "1 minute left"
        assert clock_text(now - timedelta(seconds=40), now) == "overdue by 1 minute"
