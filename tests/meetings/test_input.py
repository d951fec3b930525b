"""Hostile input on the meeting forms: a NUL or a 100,000-character value is refused on its own field (422) and
the rest of what was typed stays; dates outside 2000-2099 (a meeting dated 9999) are refused; a version that
is not a number is an out-of-date form, never a 500."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.calendar.services import next_working_day
from app.extensions import db
from app.meetings.models import ActionItem, AgendaItem, Amendment, Attendance, Meeting
from app.timeutil import to_local, today
from tests import PARTIAL

# The client reads English (tests/conftest.py), whatever locale the test process itself last used.
NUL_TEXT = "cannot be stored (NUL)"

HOSTILE = {"NUL": "临时\x00工", "100,000 characters": "x" * 100_000}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _field_error(page: str, field_id: str, kind: str) -> None:
    error = page.split(f'id="{field_id}-error">')[1].split("</small>")[0]
    assert (NUL_TEXT if kind == "NUL" else "too long: shorten it to at most") in error


def _refused(response, field_id: str, kind: str, kept: dict) -> None:
    """422, the error on the hostile field, and every other typed value still in the form."""
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    _field_error(page, field_id, kind)
    assert [value for value in kept.values() if value not in page] == []


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["title", "details"])
def test_adding_an_item(client, login_as, prod, meeting, field, kind):
    login_as(Role.LIAISON, department=prod)
    typed = {"new-title": "线体改造需要临时工", "new-details": "下月开始 🙂"}
    data = {**typed, "new-kind": "need", "new-urgency": "high", "new-addressed_to_id": "0",
            "new-minutes_budget": "10", f"new-{field}": HOSTILE[kind]}
    response = client.post(f"/meetings/{meeting.id}/items", data=data, headers=PARTIAL)
    _refused(response, f"new-{field}", kind, {k: v for k, v in typed.items() if k != f"new-{field}"})
    assert _count(AgendaItem) == 0


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["title", "details"])
def test_editing_an_item(client, login_as, prod_liaison, meeting, add_item, field, kind):
    item = add_item(meeting, prod_liaison, title="原标题")
    login_as(Role.OFFICE)
    prefix = f"item{item.id}"
    typed = {f"{prefix}-title": "新标题 new", f"{prefix}-details": "新细节 details"}
    data = {**typed, f"{prefix}-kind": "need", f"{prefix}-urgency": "normal", f"{prefix}-addressed_to_id": "0",
            f"{prefix}-department_id": str(prod_liaison.department_id), f"{prefix}-version": str(item.version),
            f"{prefix}-{field}": HOSTILE[kind]}
    response = client.post(f"/meetings/items/{item.id}", data=data, headers=PARTIAL)
    _refused(response, f"{prefix}-{field}", kind, {k: v for k, v in typed.items() if k != f"{prefix}-{field}"})
    assert db.session.get(AgendaItem, item.id).title == "原标题"


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["outcome", "decision"])
def test_recording_an_outcome(client, login_as, prod_liaison, meeting, add_item, field, kind):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    prefix = f"outcome{item.id}"
    typed = {f"{prefix}-outcome": "HR 立即招聘", f"{prefix}-decision": "批准 approved"}
    data = {**typed, f"{prefix}-status": "discussed", f"{prefix}-version": "1", f"{prefix}-{field}": HOSTILE[kind]}
    response = client.post(f"/meetings/items/{item.id}/outcome", data=data, headers=PARTIAL)
    _refused(response, f"{prefix}-{field}", kind, {k: v for k, v in typed.items() if k != f"{prefix}-{field}"})
    assert db.session.get(AgendaItem, item.id).outcome == ""


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", ["task", "acceptance"])
def test_handing_out_an_action_item(client, login_as, prod_liaison, hr_liaison, meeting, add_item, field, kind):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    prefix = f"action{item.id}"
    typed = {f"{prefix}-task": "招聘临时工", f"{prefix}-acceptance": "20人到岗"}
    data = {**typed, f"{prefix}-owner_id": str(hr_liaison.id),
            f"{prefix}-deadline": (today() + timedelta(days=7)).isoformat(), f"{prefix}-{field}": HOSTILE[kind]}
    response = client.post(f"/meetings/items/{item.id}/actions", data=data, headers=PARTIAL)
    _refused(response, f"{prefix}-{field}", kind, {k: v for k, v in typed.items() if k != f"{prefix}-{field}"})
    assert _count(ActionItem) == 0


@pytest.mark.parametrize("kind", HOSTILE)
def test_reporting_progress(client, login_as, office_user, prod_liaison, meeting, add_item, assign, kind):
    owner = login_as(department=prod_liaison.department)
    action = assign(office_user, add_item(meeting, prod_liaison), owner)
    prefix = f"progress{action.id}"
    data = {f"{prefix}-move": "progress", f"{prefix}-note": HOSTILE[kind], f"{prefix}-version": str(action.version)}
    response = client.post(f"/actions/{action.id}/move", data=data)
    _refused(response, f"{prefix}-note", kind, {})
    assert db.session.get(ActionItem, action.id).state == "open"


@pytest.mark.parametrize("kind", HOSTILE)
def test_scheduling_and_amending(client, login_as, office_user, meeting, kind):
    login_as(Role.OFFICE)
    response = client.post("/meetings/new", data={"day": "2030-03-07", "time": "09:30", "place": HOSTILE[kind]})
    _refused(response, "place", kind, {"day": 'value="2030-03-07"', "time": 'value="09:30"'})
    meeting.status = "closed"
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/amendments", data={"text": HOSTILE[kind]})
    assert response.status_code == 422
    _field_error(response.get_data(as_text=True), "text", kind)
    assert _count(Meeting) == 1 and _count(Amendment) == 0


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_substitutes_name_is_refused_naming_the_department_and_every_choice_is_kept(client, login_as, prod, hr,
                                                                                     meeting, kind):
    login_as(Role.OFFICE)
    data = {f"status-{prod.id}": "substitute", f"substitute-{prod.id}": HOSTILE[kind],
            f"status-{hr.id}": "substitute", f"substitute-{hr.id}": "赵敏"}
    response = client.post(f"/meetings/{meeting.id}/attendance", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Production: the substitute&#39;s name" in page
    assert 'value="赵敏"' in page and page.count('value="substitute" selected') == 2
    assert _count(Attendance) == 0


def test_a_long_substitutes_name_is_kept_and_the_answer_says_how_much_to_shorten(client, login_as, prod, meeting):
    """Issue 13, item 5: the name field has no maxlength (a paste would be cut silently) but the counter's limit,
    and the refusal says how many characters to remove while the page keeps the whole name."""
    login_as(Role.OFFICE)
    name = ("赵敏 Zhao Min, deputy head of production " * 3).strip()  # 116 characters
    response = client.post(f"/meetings/{meeting.id}/attendance",
                           data={f"status-{prod.id}": "substitute", f"substitute-{prod.id}": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Production: the substitute&#39;s name is 36 characters too long: shorten it to at most 80." in page
    assert f'value="{name}"' in page and 'data-maxlength="80"' in page
    assert 'maxlength="' not in page.replace('data-maxlength="', "")
    assert _count(Attendance) == 0


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_a_meeting_dated_9999_is_impossible(client, login_as, meeting, day):
    """A meeting dated 9999 once broke /meetings/ for every office user; the form refuses it."""
    login_as(Role.OFFICE)
    response = client.post("/meetings/new", data={"day": day, "time": "09:00", "place": "三楼 301"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a date between 2000-01-01 and 2099-12-31." in page.split('id="day-error">')[1]
    assert "三楼 301" in page and _count(Meeting) == 1
    assert client.get("/meetings/").status_code == 200


def test_an_action_item_deadline_in_9999_is_refused(client, login_as, prod_liaison, hr_liaison, meeting, add_item):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    prefix = f"action{item.id}"
    data = {f"{prefix}-task": "招聘临时工", f"{prefix}-acceptance": "20人到岗",
            f"{prefix}-owner_id": str(hr_liaison.id), f"{prefix}-deadline": "9999-12-31"}
    response = client.post(f"/meetings/items/{item.id}/actions", data=data, headers=PARTIAL)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a date between" in page.split(f'id="{prefix}-deadline-error">')[1]
    assert "招聘临时工" in page and _count(ActionItem) == 0


@pytest.mark.parametrize("version", ["1.5", "abc", "99999999999999999999", "-1"])
def test_a_version_that_is_not_a_number_is_an_out_of_date_form(client, login_as, prod_liaison, meeting, add_item,
                                                                version):
    item = add_item(meeting, prod_liaison, title="原标题")
    login_as(Role.OFFICE)
    prefix = f"item{item.id}"
    data = {f"{prefix}-title": "新标题", f"{prefix}-kind": "need", f"{prefix}-urgency": "normal",
            f"{prefix}-addressed_to_id": "0", f"{prefix}-department_id": str(prod_liaison.department_id),
            f"{prefix}-version": version}
    response = client.post(f"/meetings/items/{item.id}", data=data, headers=PARTIAL)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "This form is out of date" in page and "新标题" in page
    outcome = client.post(f"/meetings/items/{item.id}/outcome", headers=PARTIAL, data={
        f"outcome{item.id}-outcome": "结论", f"outcome{item.id}-status": "discussed",
        f"outcome{item.id}-version": version})
    assert outcome.status_code == 422 and "This form is out of date" in outcome.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id).title == "原标题"


def test_a_meeting_stored_as_9999_before_the_bound_breaks_nothing(client, login_as, office_user, meeting):
    """Typed before the forms were bounded: the list still shows, and next week's slot follows the last
    meeting the business can mean."""
    db.session.add(Meeting(starts_at=datetime(9999, 12, 31, 1, 0), place="9999", created_by_id=office_user.id))
    db.session.commit()
    login_as(Role.OFFICE)
    page = client.get("/meetings/")
    assert page.status_code == 200
    expected = (to_local(meeting.starts_at) + timedelta(days=7)).date()
    assert next_working_day(expected).isoformat() in page.get_data(as_text=True)
