"""China's working calendar: statutory holidays, make-up Saturdays (调休) and the company's own days."""
from datetime import date

import pytest

from app.auth.roles import Role
from app.calendar import services
from app.calendar.models import OfficeDay


def test_national_day_week_2026_is_off_and_its_make_up_saturday_is_worked(app):
    assert not any(services.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert services.is_working_day(date(2026, 10, 10))      # Saturday, 调休
    assert not services.is_working_day(date(2026, 10, 11))  # an ordinary Sunday


def test_a_note_filed_before_national_day_is_due_after_it(app):
    # Five working days from Wednesday 30 September 2026: Oct 1–7 are the holiday, Oct 10 is worked.
    assert services.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert services.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_beyond_the_known_years_it_falls_back_to_weekdays_and_the_office_days(app, make_user):
    assert not services.knows_year(2027)
    assert services.is_working_day(date(2027, 2, 8))  # a Monday, Spring Festival 2027 not published yet
    office = make_user(Role.OFFICE)
    for day in range(6, 14):
        services.set_day(date(2027, 2, day), "closed", "春节", office)
    services.set_day(date(2027, 2, 20), "working", "春节调休", office)
    assert not services.is_working_day(date(2027, 2, 8))
    assert services.is_working_day(date(2027, 2, 20))  # a Saturday the office made a working day
    assert services.add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 15)


def test_company_days_can_come_from_configuration(app):
    app.config["CALENDAR_CLOSED_DAYS"] = ["2026-12-31"]
    app.config["CALENDAR_WORKING_DAYS"] = ["2026-12-26"]
    with app.test_request_context():
        assert not services.is_working_day(date(2026, 12, 31))
        assert services.is_working_day(date(2026, 12, 26))


def test_the_office_adds_and_removes_a_closure_day_on_the_page(client, login_as):
    login_as(Role.OFFICE)
    response = client.post("/calendar/", data={"day": "2026-12-31", "kind": "closed", "note": "年终盘点"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "年终盘点" in page and "set by the office" in page
    client.post("/calendar/2026-12-31/clear")
    assert "年终盘点" not in client.get("/calendar/?year=2026").get_data(as_text=True)
    assert OfficeDay.query.count() == 0


def test_the_page_says_when_the_national_schedule_is_not_known(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/calendar/?year=2027").get_data(as_text=True)
    assert "is not in this installation yet" in page
    assert "National Day" in client.get("/calendar/?year=2026").get_data(as_text=True)


@pytest.mark.parametrize("day", ["0000-00-00", "9999-12-31", "2026-02-31", ""])
def test_an_impossible_day_gets_a_field_error_and_keeps_the_note(client, login_as, day):
    login_as(Role.OFFICE)
    response = client.post("/calendar/", data={"day": day, "kind": "closed", "note": "盘点"})
    assert response.status_code == 422 and 'value="盘点"' in response.get_data(as_text=True)
