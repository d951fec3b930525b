"""An administrator manages accounts: list, search, create, edit roles, deactivate, reset passwords."""
import re

import pytest
from sqlalchemy import select

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from tests import PARTIAL


def _new_user_form(**overrides):
    data = {"login": "E2001", "name": "林小红", "department_id": "0", "roles": ["reception"],
            "password": "temporary-123"}
    data.update(overrides)
    return data


def test_admin_creates_an_account_that_must_change_its_password(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=_new_user_form())
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.login == "E2001"))
    assert user.name == "林小红" and user.roles == {Role.EMPLOYEE, Role.RECEPTION}
    assert user.must_change_password and user.check_password("temporary-123")


def test_invalid_account_form_keeps_what_was_typed(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=_new_user_form(login="has space", name="王🙂"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "letters, digits" in page and 'value="王🙂"' in page


def test_a_taken_login_name_is_refused(client, login_as, make_user):
    make_user(login="E2002")
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=_new_user_form(login="e2002"))
    assert response.status_code == 422 and "already taken" in response.get_data(as_text=True)


def test_second_liaison_for_a_department_is_refused_with_a_message(client, login_as, make_user,
                                                                     make_department):
    department = make_department()
    make_user(Role.LIAISON, department=department)
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new",
                           data=_new_user_form(department_id=str(department.id), roles=["liaison"]))
    assert response.status_code == 422 and "already has an active liaison" in response.get_data(as_text=True)


def test_edit_changes_roles_and_department(client, login_as, make_user, make_department):
    user = make_user(Role.RECEPTION)
    department = make_department()
    login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{user.id}", data={"login": user.login, "name": "New Name",
                                                             "department_id": str(department.id),
                                                             "roles": ["office", "maintenance"]})
    assert response.status_code == 303
    assert user.name == "New Name" and user.department == department
    assert user.roles == {Role.EMPLOYEE, Role.OFFICE, Role.MAINTENANCE}


def test_editing_a_member_of_a_closed_department_keeps_their_department(client, login_as, make_user,
                                                                        make_department):
    closed = make_department(name_en="Old plant", active=False)
    user = make_user(department=closed)
    login_as(Role.ADMIN)
    form = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'<option selected value="{closed.id}">' in form or f'value="{closed.id}" selected' in form
    client.post(f"/admin/users/{user.id}", data={"login": user.login, "name": "Renamed",
                                                 "department_id": str(closed.id), "roles": []})
    assert db.session.get(User, user.id).department == closed


def test_an_administrator_cannot_lock_themselves_out(client, login_as, make_user):
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).active
    response = client.post(f"/admin/users/{admin.id}", data={"login": admin.login, "name": admin.name,
                                                              "department_id": "0", "roles": ["office"]})
    assert response.status_code == 422 and "own administrator role" in response.get_data(as_text=True)
    assert Role.ADMIN in db.session.get(User, admin.id).roles
    # Another administrator may do both.
    other = make_user(Role.ADMIN)
    assert client.post(f"/admin/users/{other.id}/active", data={"active": "0"}).status_code == 303
    assert db.session.get(User, other.id).active is False


def test_deactivated_account_cannot_sign_in_but_still_exists(client, app, login_as, make_user):
    user = make_user()
    login_as(Role.ADMIN)
    client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert db.session.get(User, user.id).active is False
    other = app.test_client()
    assert other.post("/login", data={"login": user.login, "password": "correct horse battery"}).status_code == 422


def test_reset_password_sets_a_temporary_one(client, login_as, make_user):
    user = make_user()
    login_as(Role.ADMIN)
    client.post(f"/admin/users/{user.id}/password", data={"password": "reset-pass-99"})
    assert user.must_change_password and user.check_password("reset-pass-99")


def test_user_list_filters_and_answers_htmx_with_the_rows_only(client, login_as, make_user):
    make_user(Role.MAINTENANCE, name="张师傅")
    make_user(Role.OFFICE, name="王主任")
    login_as(Role.ADMIN)
    full = client.get("/admin/users?role=maintenance").get_data(as_text=True)
    assert "<nav" in full and "张师傅" in full and "王主任" not in full
    partial = client.get("/admin/users?q=王", headers=PARTIAL)
    body = partial.get_data(as_text=True)
    assert 'id="user-rows"' in body and "<nav class=\"container mainnav\"" not in body
    assert "王主任" in body and "张师傅" not in body
    assert "HX-Request" in partial.headers["Vary"]


def test_user_list_query_count_does_not_grow_with_users(client, login_as, make_user, count_queries):
    login_as(Role.ADMIN)
    for _ in range(3):
        make_user(Role.OFFICE)
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(20):
        make_user(Role.OFFICE, Role.RECEPTION)
    with count_queries() as many:
        client.get("/admin/users")
    assert many.count == few.count


def test_departments_can_be_created_renamed_and_deactivated(client, login_as):
    login_as(Role.ADMIN)
    assert client.post("/admin/departments", data={"code": "SEC", "name_zh": "保卫部",
                                                   "name_en": "Security"}).status_code == 303
    duplicate = client.post("/admin/departments", data={"code": "sec", "name_zh": "x", "name_en": "y"})
    # The refusal sits on the code field, where the clash is.
    assert duplicate.status_code == 422
    assert re.search(r'id="code-error">[^<]*already used', duplicate.get_data(as_text=True))
    department = db.session.scalar(select(Department).where(Department.code == "SEC"))
    client.post(f"/admin/departments/{department.id}", data={"code": "SEC", "name_zh": "安保部",
                                                             "name_en": "Security"})
    client.post(f"/admin/departments/{department.id}/active", data={"active": "0"})
    assert department.name_zh == "安保部" and department.active is False


def test_user_list_filters_by_department_and_status_from_one_filter_bar(client, login_as, make_user, make_department):
    plant = make_department(name_en="Plant")
    make_user(name="在厂", department=plant)
    make_user(name="离职", department=plant, active=False)
    make_user(name="别的部门")
    login_as(Role.ADMIN)
    page = client.get(f"/admin/users?department={plant.id}&active=yes").get_data(as_text=True)
    rows = page.split('id="user-rows"')[1]
    assert "在厂" in rows and "离职" not in rows and "别的部门" not in rows
    bar = page.split('role="search"')[1].split("</form>")[0]
    assert 'hx-trigger="input changed delay:400ms, change changed"' in bar and 'hx-target="#user-rows"' in bar
    assert f'<option value="{plant.id}" selected>' in bar and '<option value="yes" selected>' in bar


@pytest.mark.parametrize("path, tab", [
    ("/admin/users", "Users"), ("/admin/users/new", "Users"), ("/admin/users/{user}", "Users"),
    ("/admin/departments", "Departments"), ("/admin/departments/{department}", "Departments"),
    ("/admin/users/import", "Import users"),
])
def test_the_tab_of_the_page_is_lit(client, login_as, make_department, path, tab):
    admin = login_as(Role.ADMIN)
    page = client.get(path.format(user=admin.id, department=make_department().id)).get_data(as_text=True)
    tabs = page.split('class="tabs"')[1].split("</nav>")[0]
    assert re.findall(r'aria-current="page">([^<]+)</a>', tabs) == [tab]
