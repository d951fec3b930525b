"""Where messages reach a person: the admin's user form and the CSV import carry the addresses."""
from flask_babel import force_locale

from app.admin.services import import_users
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db


def test_import_reads_the_optional_contact_columns(app):
    csv_text = ("login,name,department,roles,email,wecom_userid,dingtalk_userid\n"
                "E5001,周五,,,zhou@office.test,ZhouWu,dt-zhou\n"
                "E5002,吴六,,,,,\n")
    result = import_users(csv_text.encode())
    assert not result.errors
    zhou = db.session.query(User).filter_by(login="E5001").one()
    assert (zhou.email, zhou.wecom_userid, zhou.dingtalk_userid) == ("zhou@office.test", "ZhouWu", "dt-zhou")
    assert db.session.query(User).filter_by(login="E5002").one().email is None


def test_import_names_the_line_of_a_bad_address_and_imports_nothing(app):
    csv_text = ("login,name,department,roles,email,wecom_userid\n"
                "E5101,甲,,,ok@office.test,\n"
                "E5102,乙,,,not an address,bad id!\n")
    result = import_users(csv_text.encode())
    with force_locale("en"):
        messages = [str(e) for e in result.errors]
    assert any("line 3" in m and "not an address" in m for m in messages)
    assert any("line 3" in m and "wecom_userid" in m for m in messages)
    assert db.session.query(User).filter(User.login.like("E51%")).count() == 0


def test_admin_user_form_saves_contact_fields(client, login_as, make_user):
    login_as(Role.ADMIN)
    user = make_user()
    response = client.post(f"/admin/users/{user.id}", data={
        "login": user.login, "name": user.name, "department_id": "0",
        "email": "li@office.test", "wecom_userid": "LiLei", "dingtalk_userid": ""})
    assert response.status_code == 303
    assert (user.email, user.wecom_userid, user.dingtalk_userid) == ("li@office.test", "LiLei", None)
    bad = client.post(f"/admin/users/{user.id}", data={"login": user.login, "name": user.name,
                                                       "department_id": "0", "email": "li@"})
    assert bad.status_code == 422 and "Enter an e-mail address" in bad.get_data(as_text=True)
