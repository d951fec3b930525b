"""The visit form, 20 fields long (issue 13, item 4): required fields are starred, a refused submit shows every
error at once (422) — the form's own and the service's rules, the room clash among them — listed at the top
with links to their fields, and what was typed stays."""
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from app.visits.models import Visit
from tests.visits.test_views import form_data


def _label(page: str, field: str) -> str:
    return page.split(f'<label for="{field}">')[1].split("</label>")[0]


def test_required_fields_are_starred(client, login_as):
    login_as(Role.OFFICE)
    page = client.get("/visits/new").get_data(as_text=True)
    assert "Fields marked * are required." in page
    for field in ("organisation", "visitor_names", "purpose", "host_id", "owner_id", "expected_arrival"):
        assert '<span aria-hidden="true">*</span>' in _label(page, field), field
    for field in ("lead_phone", "room_text", "materials", "reception_note"):
        assert "*" not in _label(page, field), field


def test_one_submit_shows_every_error_with_the_room_clash(client, login_as, make_user, make_visit, make_room):
    office = login_as(Role.OFFICE)
    room = make_room()
    arrival = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    make_visit(arrival=arrival, room_id=room.id)
    data = form_data(make_user(), office, arrival=arrival, organisation="比亚迪 BYD", visitor_names="",
                     purpose="", room_id=str(room.id), lead_phone="not a phone", materials="样品 samples")
    response = client.post("/visits/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = page.split('class="form-errors error-summary"')[1].split("</div>")[0]
    assert "These fields need attention: 4" in summary
    for field in ("visitor_names", "lead_phone", "purpose", "room_id"):
        assert f'href="#{field}"' in summary and f'id="{field}-error"' in page, field
    assert "This room is already booked for 华为 Huawei" in page.split('id="room_id-error"')[1]
    assert "样品 samples" in page  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_a_valid_form_breaking_two_rules_shows_both(client, login_as, make_user, make_visit, make_room):
    """The form itself is fine; the service finds the room taken and no owner: both, in one answer."""
    office = login_as(Role.OFFICE)
    room = make_room()
    arrival = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    make_visit(arrival=arrival, room_id=room.id)
    data = form_data(make_user(), office, arrival=arrival, room_id=str(room.id), owner_id="")
    response = client.post("/visits/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="room_id-error"' in page and 'id="owner_id-error"' in page


def test_without_times_the_names_host_and_owner_are_still_checked_in_the_same_answer(client, login_as):
    login_as(Role.OFFICE)
    response = client.post("/visits/new", data={"organisation": "Short Notice Ltd", "visit_type": "customer",
                                                "host_id": "", "owner_id": "", "room_id": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("visitor_names", "purpose", "host_id", "owner_id", "expected_arrival", "expected_departure"):
        assert f'id="{field}-error"' in page, field
    assert 'value="Short Notice Ltd"' in page
