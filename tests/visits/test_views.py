"""Visits as people use them in the browser: planning, requesting, bad input, the visit page, privacy."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.timeutil import day_bounds, to_local, today, utcnow
from app.visits import services
from app.visits.models import Visit
from tests import PARTIAL
from tests.conftest import PASSWORD
from tests.visits.conftest import later_today, visit_data


def local_input(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(host, owner=None, *, arrival=None, hours=2, **overrides) -> dict:
    arrival = arrival or utcnow() + timedelta(days=2)
    data = {"organisation": "比亚迪 BYD", "visitor_names": "王芳\nJohn Smith", "visitor_count": "",
            "purpose": "参观生产线", "visit_type": "customer", "host_id": str(host.id),
            "host_department_id": "0", "expected_arrival": local_input(arrival),
            "expected_departure": local_input(arrival + timedelta(hours=hours)), "room_id": "0",
            "room_text": "", "meals_count": "3", "lead_phone": "13800000000"}
    if owner is not None:
        data["owner_id"] = str(owner.id)
    data.update(overrides)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def test_office_plans_a_visit_from_the_default_template(client, login_as, make_user):
    office = login_as(Role.OFFICE)
    host = make_user()
    page = client.get("/visits/new").get_data(as_text=True)
    assert 'name="owner_id"' in page and 'name="token"' in page
    response = client.post("/visits/new", data=form_data(host, office))
    assert response.status_code == 303
    visit = db.session.scalar(select(Visit))
    assert response.headers["Location"].endswith(f"/visits/{visit.id}")
    assert visit.status == "planned" and visit.visitor_count == 2 and len(visit.steps) == 10
    detail = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "王芳, John Smith" in detail and "0 of 10 steps" in detail and "Confirm visit details" not in detail


def test_an_employee_requests_a_visit_without_choosing_an_owner(client, login_as, make_user):
    make_user(Role.OFFICE)
    employee = login_as()
    page = client.get("/visits/new").get_data(as_text=True)
    assert 'name="owner_id"' not in page and "Request a visit" in page
    assert client.post("/visits/new", data=form_data(employee)).status_code == 303
    visit = db.session.scalar(select(Visit))
    assert visit.status == "requested" and visit.owner_id is None
    assert "Waiting for an owner" in client.get("/visits/?show=requested").get_data(as_text=True)


@pytest.mark.parametrize("change, message", [
    ({"hours": -2}, "The departure must be after the arrival."),
    ({"arrival": utcnow() - timedelta(days=2)}, "The arrival is in the past; check the date."),
    ({"host_id": "987654"}, "Choose the host from the list of active employees."),
    ({"visitor_names": "\n  \n"}, "Write at least one visitor&#39;s name, one per line."),
    ({"expected_arrival": "tomorrow-ish"}, "Not a valid datetime value."),
])
def test_bad_input_is_shown_inline_and_the_input_kept(client, login_as, make_user, change, message):
    office = login_as(Role.OFFICE)
    timing = {k: v for k, v in change.items() if k in ("hours", "arrival")}
    data = form_data(make_user(), office, **timing)
    data.update({k: v for k, v in change.items() if k not in timing})
    response = client.post("/visits/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "比亚迪 BYD" in page
    assert _count() == 0


def test_room_clash_is_flagged_on_the_form(client, login_as, make_user, make_room):
    office = login_as(Role.OFFICE)
    room = make_room()
    arrival = utcnow() + timedelta(days=2)
    assert client.post("/visits/new", data=form_data(make_user(), office, arrival=arrival,
                                                     room_id=str(room.id))).status_code == 303
    response = client.post("/visits/new", data=form_data(make_user(), office, room_id=str(room.id),
                                                         arrival=arrival + timedelta(minutes=30),
                                                         organisation="宁德时代 CATL"))
    assert response.status_code == 422 and "This room is already booked" in response.get_data(as_text=True)
    again = client.post("/visits/new", data=form_data(make_user(), office, arrival=arrival))
    assert again.status_code == 422 and "check the visitors in from that visit" in again.get_data(as_text=True)


def test_visit_page_and_fragment(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit()
    full = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "<nav" in full and 'id="visit-live"' in full
    fragment = client.get(f"/visits/{visit.id}", headers=PARTIAL)
    assert "HX-Request" in fragment.headers["Vary"]
    assert 'id="visit-live"' in fragment.get_data(as_text=True) and "<nav" not in fragment.get_data(as_text=True)


def test_personal_data_only_for_reception_office_host_and_owner(client, login_as, make_user, make_visit):
    cohost = login_as()
    visit = make_visit(cohost_ids=[cohost.id])
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "华为 Huawei" in page and "张伟" not in page and "0000 0000" not in page and "2 visitors" in page
    assert "张伟" not in client.get(f"/visits/{visit.id}/sheet").get_data(as_text=True)
    client.post("/logout")
    login_as()
    assert client.get(f"/visits/{visit.id}").status_code == 404


def test_host_sees_names_and_can_tick_own_steps(client, make_visit, make_user):
    host = make_user()
    visit = make_visit(host=host)
    client.post("/login", data={"login": host.login, "password": "correct horse battery"})
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "张伟, 李娜" in page and "Record arrival" not in page
    step = visit.steps[2]
    assert client.post(f"/visits/{visit.id}/steps/{step.id}/tick").status_code == 303
    assert db.session.get(type(step), step.id).state == "done"


def test_tick_by_htmx_returns_the_live_part_with_progress(client, login_as, make_visit):
    me = login_as(Role.RECEPTION, name="李前台")
    visit = make_visit()
    step = visit.steps[0]
    response = client.post(f"/visits/{visit.id}/steps/{step.id}/tick", headers=PARTIAL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 of 10 steps" in page and "<nav" not in page
    assert 'hx-target="#flash"' not in page  # nothing to say after a tick that went through
    # The same tap again, from a page that still showed the step open: someone (here the same person) was first.
    again = client.post(f"/visits/{visit.id}/steps/{step.id}/tick", headers=PARTIAL)
    body = again.get_data(as_text=True)
    assert again.status_code == 409
    assert 'id="visit-live"' in body and "1 of 10 steps" in body and "<nav" not in body
    assert f"{me.name} already marked this step “Done”" in body.split('hx-target="#flash"')[1]


def test_without_htmx_a_lost_race_shows_the_visit_page_with_the_message(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit()
    assert client.post(f"/visits/{visit.id}/arrive").status_code == 303
    response = client.post(f"/visits/{visit.id}/arrive")  # a second tab still showed "Record arrival"
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "<nav" in page and 'id="visit-live"' in page
    assert "The arrival of these visitors is already recorded." in page and "Record departure" in page


def test_untick_needs_a_reason(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit()
    step = visit.steps[0]
    client.post(f"/visits/{visit.id}/steps/{step.id}/tick")
    response = client.post(f"/visits/{visit.id}/steps/{step.id}/untick", data={"reason": ""}, headers=PARTIAL)
    page = response.get_data(as_text=True)
    # A missing reason is refused (422), not a lost race.
    assert response.status_code == 422 and "1 of 10 steps" in page
    assert "Give a reason." in page.split('hx-target="#flash"')[1]
    page = client.post(f"/visits/{visit.id}/steps/{step.id}/untick", data={"reason": "点错了"},
                       headers=PARTIAL).get_data(as_text=True)
    assert "0 of 10 steps" in page and "点错了" in page


def test_arrival_from_the_board_notifies_the_host(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    response = client.post(f"/visits/{visit.id}/arrive", data={"view": "board"}, headers=PARTIAL)
    page = response.get_data(as_text=True)
    assert f'id="visit-card-{visit.id}"' in page and "Record departure" in page
    message = db.session.scalar(select(Notification.message).where(Notification.user_id == visit.host_id))
    assert message == "Your visitors from 华为 Huawei have arrived."


def test_edit_keeps_input_and_refuses_a_stale_version(client, login_as, make_visit, make_user):
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office)
    page = client.get(f"/visits/{visit.id}/edit").get_data(as_text=True)
    assert "华为 Huawei" in page
    data = form_data(visit.host, office, arrival=visit.expected_arrival, organisation="华为 Huawei 2",
                     version=str(visit.version - 1))
    response = client.post(f"/visits/{visit.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this visit" in page and "华为 Huawei 2" in page
    data["version"] = str(visit.version)
    assert client.post(f"/visits/{visit.id}/edit", data=data).status_code == 303
    assert db.session.get(Visit, visit.id).organisation == "华为 Huawei 2"


def test_cancel_needs_a_reason_and_tells_the_host(client, login_as, make_visit):
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office)
    refused = client.post(f"/visits/{visit.id}/cancel", data={"reason": ""})
    assert refused.status_code == 422 and "Say why the visit is cancelled." in refused.get_data(as_text=True)
    assert db.session.get(Visit, visit.id).status == "planned"
    client.post(f"/visits/{visit.id}/cancel", data={"reason": "客户改期"})
    assert db.session.get(Visit, visit.id).status == "cancelled"
    assert "客户改期" in db.session.scalar(select(Notification.message).where(Notification.user_id == visit.host_id))


def test_office_accepts_a_request(client, login_as, make_user):
    host = make_user()
    make_user(Role.OFFICE)
    visit = services.create_visit(host, visit_data(host))
    office = login_as(Role.OFFICE)
    assert client.post(f"/visits/{visit.id}/accept", data={"owner_id": str(office.id)}).status_code == 303
    visit = db.session.get(Visit, visit.id)
    assert visit.status == "planned" and visit.owner_id == office.id


def test_main_form_post_checks_csrf(app, client, login_as, make_user):
    office = login_as(Role.OFFICE)
    app.config["WTF_CSRF_ENABLED"] = True
    data = form_data(make_user(), office)
    assert client.post("/visits/new", data=data).status_code == 400
    page = client.get("/visits/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    form_token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/visits/new", data={**data, "csrf_token": token, "token": form_token}).status_code == 303
    # The same form sent again (a double tap) creates nothing new.
    assert client.post("/visits/new", data={**data, "csrf_token": token, "token": form_token}).status_code == 303
    assert _count() == 1


def test_visit_list_has_a_constant_number_of_queries(client, login_as, make_visit, count_queries):
    office = login_as(Role.OFFICE)

    def queries_for(n):
        while _count() < n:
            make_visit(owner=office)
        with count_queries() as counter:
            assert client.get("/visits/").status_code == 200
        return counter.count
    assert queries_for(5) == queries_for(30)



def _owner_steps_line(html: str, organisation: str) -> str:
    row = html.split(organisation, 1)[1].split("</li>", 1)[0]
    return row.split('class="meta owner-steps">', 1)[1].split("</span></li>", 1)[0] if "owner-steps" in row else ""


def test_my_visits_flag_the_owners_own_steps_due_today_and_overdue(app, client, login_as, make_visit, make_user):
    """Issue 13, item 3: the owner sees on "my visits" which of their own steps need them now; the host
    sees no such flag on the same visit, and a visit owned by someone else carries none."""
    office = login_as(Role.OFFICE)
    host = make_user()
    mine = make_visit(owner=office, host=host, organisation="比亚迪 BYD")
    make_visit(owner=make_user(Role.OFFICE), organisation="宁德时代 CATL")
    now = utcnow()
    owner_steps = [s for s in mine.steps if s.responsible == "owner"]
    owner_steps[0].due_at = now - timedelta(hours=1)  # overdue
    owner_steps[1].due_at = now + (day_bounds(today())[1] - now) / 2  # later today
    next(s for s in mine.steps if s.responsible == "reception").due_at = now - timedelta(hours=1)  # not theirs
    db.session.commit()

    html = client.get("/visits/").get_data(as_text=True)
    line = _owner_steps_line(html, "比亚迪 BYD")
    assert "1 of your steps is overdue" in line and "1 of your steps is due today" in line
    assert _owner_steps_line(html, "宁德时代 CATL") == ""
    as_host = app.test_client()
    as_host.post("/login", data={"login": host.login, "password": PASSWORD})
    assert _owner_steps_line(as_host.get("/visits/").get_data(as_text=True), "比亚迪 BYD") == ""
    owner_steps[0].state = "done"
    db.session.commit()
    line = _owner_steps_line(client.get("/visits/").get_data(as_text=True), "比亚迪 BYD")
    assert "overdue" not in line and "1 of your steps is due today" in line

def test_print_sheet_and_badges(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit()
    sheet = client.get(f"/visits/{visit.id}/sheet").get_data(as_text=True)
    assert "张伟, 李娜" in sheet and "visits.css" in sheet
    badges = client.get(f"/visits/{visit.id}/badges").get_data(as_text=True)
    assert badges.count('class="visitor-badge"') == 2 and "李娜" in badges


def test_inline_check_uses_the_same_rules_shows_filled_fields_only_and_saves_nothing(client, login_as, make_user):
    office = login_as(Role.OFFICE)
    data = form_data(make_user(), office, hours=-1, organisation="", check="1")
    response = client.post("/visits/new", data=data, headers=PARTIAL)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.startswith("{#") is False
    assert 'id="visit-fields"' in page and "<nav" not in page
    assert "The departure must be after the arrival." in page and "This field is required." not in page
    fine = client.post("/visits/new", data=form_data(make_user(), office, check="1"), headers=PARTIAL)
    assert fine.status_code == 200 and "field-error" not in fine.get_data(as_text=True)
    assert _count() == 0


def test_changing_the_type_before_any_tick_brings_the_new_checklist(client, login_as, make_visit):
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office)
    data = form_data(visit.host, office, arrival=visit.expected_arrival, organisation=visit.organisation,
                     visit_type="supplier", version=str(visit.version))
    assert client.post(f"/visits/{visit.id}/edit", data=data).status_code == 303
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "0 of 3 steps" in page and "Supplier visit" in page
    assert "changed the visit type and started the new type" in page and "Customer visit → Supplier visit" in page


def test_the_type_stays_once_the_checklist_is_worked_on(client, login_as, make_visit):
    office = login_as(Role.OFFICE)
    visit = make_visit(owner=office)
    client.post(f"/visits/{visit.id}/steps/{visit.steps[0].id}/tick")
    data = form_data(visit.host, office, arrival=visit.expected_arrival, organisation="华为 Huawei 改名",
                     visit_type="interview", version=str(visit.version))
    # Inline, while the user is still filling the form, and on saving: the same message on the type.
    check = client.post(f"/visits/{visit.id}/edit", data={**data, "check": "1"}, headers=PARTIAL)
    assert check.status_code == 422 and 'id="visit_type-error"' in check.get_data(as_text=True)
    response = client.post(f"/visits/{visit.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="visit_type-error"' in page
    assert "already ticked, skipped or noted, so the visit type can no longer change" in page
    assert 'value="华为 Huawei 改名"' in page and '<option selected value="interview">' in page
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert (stored.visit_type, len(stored.steps), stored.organisation) == ("customer", 10, "华为 Huawei")


def test_office_corrects_the_type_of_a_request_before_accepting(client, login_as, make_user):
    host = make_user()
    visit = services.create_visit(host, visit_data(host))
    assert len(visit.steps) == 10
    login_as(Role.OFFICE)
    data = form_data(host, arrival=visit.expected_arrival, organisation=visit.organisation,
                     visit_type="interview", version=str(visit.version))
    assert client.post(f"/visits/{visit.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.status == "requested" and stored.visit_type == "interview" and len(stored.steps) == 3


def test_office_confirms_a_different_group_from_the_same_organisation(client, login_as, make_user):
    office = login_as(Role.OFFICE)
    assert 'name="different_group"' not in client.get("/visits/new").get_data(as_text=True)
    arrival = utcnow() + timedelta(days=2)
    assert client.post("/visits/new", data=form_data(make_user(), office, arrival=arrival)).status_code == 303
    first = db.session.scalar(select(Visit))
    second = form_data(make_user(), office, arrival=arrival + timedelta(minutes=30), visitor_names="赵六\nMaria Rossi")
    # The box appears with the warning, inline and on saving, and what was typed stays.
    check = client.post("/visits/new", data={**second, "check": "1"}, headers=PARTIAL).get_data(as_text=True)
    assert "check the visitors in from that visit" in check and 'name="different_group"' in check
    response = client.post("/visits/new", data=second)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'name="different_group"' in page and "Maria Rossi" in page
    assert _count() == 1
    second["different_group"] = "y"
    assert client.post("/visits/new", data=second).status_code == 303
    assert _count() == 2
    new = db.session.scalar(select(Visit).where(Visit.id != first.id))
    assert f"A different group from visit #{first.id}" in client.get(f"/visits/{new.id}").get_data(as_text=True)


def test_a_host_asking_for_a_visit_already_expected_is_told_to_ask_the_office(client, login_as, make_visit):
    planned = make_visit()
    host = login_as()
    data = form_data(host, arrival=planned.expected_arrival, organisation="华为 Huawei", different_group="y")
    response = client.post("/visits/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ask the office: they can add your visitors to that visit" in page
    assert "check the visitors in" not in page and "(visit #" not in page
    assert 'name="different_group"' not in page and 'value="华为 Huawei"' in page
    assert _count() == 1
