"""Hostile input on the visit forms: every text field refuses a NUL or a 100,000-character value with its own
error (422) and the rest of what was typed stays in the form; dates outside 2000-2099 are refused; nothing of
it reaches the database, even through the inline check while the form is filled in."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from app.visits.models import Visit
from tests import PARTIAL
from tests.visits.test_views import form_data, local_input

# The client reads English (tests/conftest.py), whatever locale the test process itself last used.
NUL_TEXT = "cannot be stored (NUL)"

# Each text field of the visit form with a value of its own, to find in the page when another field is refused.
TYPED = {"organisation": "比亚迪 BYD", "visitor_names": "王芳\nJohn Smith", "purpose": "参观生产线",
         "lead_phone": "13800000000", "room_text": "二号楼 B2", "dietary_notes": "清真 halal",
         "materials": "样品 samples", "licence_plates": "粤B 12345", "reception_note": "喜欢绿茶"}
HOSTILE = {"NUL": "前台\x00后台", "100,000 characters": "x" * 100_000}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def _typed_form(office, make_user, **change) -> dict:
    data = form_data(make_user(), office, **TYPED)
    data.update(change)
    return data


def _kept(page: str, hostile_field: str) -> list[str]:
    """The typed values of the other fields that are missing from the page (the form lost them)."""
    expected = [value.split("\n")[-1] for name, value in TYPED.items() if name != hostile_field]
    return [value for value in expected if value not in page]


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("field", TYPED)
def test_a_hostile_value_is_refused_on_its_field_and_the_rest_is_kept(client, login_as, make_user, field, kind):
    office = login_as(Role.OFFICE)
    response = client.post("/visits/new", data=_typed_form(office, make_user, **{field: HOSTILE[kind]}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split(f'id="{field}-error">')[1].split("</small>")[0]
    if kind == "NUL":
        assert NUL_TEXT in error
    else:
        assert "too long: shorten it to at most" in error
    assert _kept(page, field) == []
    assert _count() == 0


@pytest.mark.parametrize("field", ["organisation", "room_text"])
def test_the_inline_check_never_sends_a_refused_value_to_the_database(client, login_as, make_user, field):
    """The check looks up duplicates and room clashes while the form is filled in: a NUL there would be
    refused by PostgreSQL itself (a 500); the form's own error is shown instead."""
    office = login_as(Role.OFFICE)
    data = _typed_form(office, make_user, **{field: HOSTILE["NUL"]}, check="1")
    response = client.post("/visits/new", data=data, headers=PARTIAL)
    assert response.status_code == 422
    assert NUL_TEXT in response.get_data(as_text=True).split(f'id="{field}-error">')[1]
    assert _count() == 0


@pytest.mark.parametrize("arrival", ["9999-12-31T10:00", "0001-01-01T00:00", "1999-12-31T23:59"])
@pytest.mark.parametrize("check", ["", "1"])
def test_a_date_outside_the_business_years_is_refused_and_the_rest_kept(client, login_as, make_user, arrival,
                                                                        check):
    office = login_as(Role.OFFICE)
    data = _typed_form(office, make_user, expected_arrival=arrival, check=check)
    response = client.post("/visits/new", data=data, headers=PARTIAL if check else {})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a date between 2000-01-01 and 2099-12-31." in page.split('id="expected_arrival-error">')[1]
    assert f'value="{arrival}"' in page and _kept(page, "expected_arrival") == []
    assert _count() == 0


def test_an_edit_with_a_version_that_is_not_a_number_is_out_of_date(client, login_as, make_visit):
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office)
    data = form_data(visit.host, office, arrival=visit.expected_arrival, organisation="华为 Huawei 2", version="1.5")
    response = client.post(f"/visits/{visit.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this visit" in page and "华为 Huawei 2" in page
    assert db.session.get(Visit, visit.id).organisation == "华为 Huawei"


def test_a_nul_in_a_reason_or_a_note_is_refused_on_the_visit_page(client, login_as, make_visit):
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office, arrival=(utcnow() + timedelta(days=3)).replace(second=0, microsecond=0))
    step = visit.steps[0]
    for path, data in ((f"/visits/{visit.id}/cancel", {"reason": "改\x00期"}),
                       (f"/visits/{visit.id}/steps/{step.id}/skip", {"reason": "不\x00需要"}),
                       (f"/visits/{visit.id}/steps/{step.id}/note", {"note": "x" * 100_000})):
        response = client.post(path, data=data, headers=PARTIAL)
        assert response.status_code == 422, path
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.status == "planned" and stored.steps[0].state == "open" and stored.steps[0].note == ""
    assert local_input(stored.expected_arrival)  # the visit page still draws
    assert client.get(f"/visits/{visit.id}").status_code == 200


@pytest.mark.parametrize("visit_type", ["\x00", "x" * 100_000, "customer\x00"])
def test_an_unknown_visit_type_in_the_templates_address_is_ignored(client, login_as, visit_type):
    login_as(Role.OFFICE)
    response = client.get("/visits/templates", query_string={"type": visit_type})
    assert response.status_code == 200 and "确认来访细节" in response.get_data(as_text=True)  # seeded in Chinese


def test_a_too_long_reason_or_note_is_kept_and_the_answer_says_how_much_to_shorten(client, login_as, make_visit):
    """Issue 13, item 5: the step and cancel forms have no maxlength (a browser would cut a paste silently); the
    refusal stands under the field with the number of characters to remove, its panel open and the text kept."""
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office, arrival=(utcnow() + timedelta(days=3)).replace(second=0, microsecond=0))
    step = visit.steps[0]
    reason = "客户临时改期 " * 73  # 511 characters
    for path, key, field_id, panel in (
            (f"/visits/{visit.id}/steps/{step.id}/skip", "reason", f"reason-{step.id}", "step-more"),
            (f"/visits/{visit.id}/steps/{step.id}/note", "note", f"note-{step.id}", "step-more"),
            (f"/visits/{visit.id}/cancel", "reason", f"cancel-reason-{visit.id}", "cancel-visit")):
        response = client.post(path, data={key: reason}, headers=PARTIAL)
        page = response.get_data(True).split('<hx-partial hx-target="#flash"', 1)[0]
        assert response.status_code == 422, path
        assert page.count(f'<details class="{panel}" open>') == 1, path  # only the refused form's panel
        assert f'id="{field_id}"' in page and f'value="{reason}"' in page.split(f'id="{field_id}"', 1)[1][:4000]
        error = page.split(f'id="{field_id}-error">', 1)[1].split("</small>", 1)[0]
        assert error == "This is 11 characters too long: shorten it to at most 500.", path
        assert 'maxlength="' not in page.replace('data-maxlength="', "")
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.status == "planned" and stored.steps[0].state == "open" and stored.steps[0].note == ""
