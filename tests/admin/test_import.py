"""CSV import of users: every row checked first, bad rows reported by line, all or nothing."""
import io

from flask_babel import force_locale
from sqlalchemy import func, select

from app.admin.services import import_users
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db

HEADER = "login,name,department,roles\n"


def _count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_good_file_creates_everyone_with_temporary_passwords(app, make_department):
    make_department(code="PROD")
    result = import_users((HEADER + "E3001,赵一,PROD,liaison\nE3002,钱二,PROD,\nE3003,孙三,,office reception\n")
                          .encode("utf-8-sig"))
    assert not result.errors and len(result.created) == 3
    user, password = result.created[0]
    assert user.must_change_password and user.check_password(password)
    assert db.session.scalar(select(User).where(User.login == "E3003")).roles == {
        Role.EMPLOYEE, Role.OFFICE, Role.RECEPTION}


def test_any_bad_row_imports_nothing_and_each_error_names_its_line(app, make_department, make_user):
    make_department(code="PROD")
    make_user(login="E3009")
    before = _count()
    csv_text = (HEADER + "E3004,周四,PROD,\n"      # line 2 fine
                "bad login,吴五,PROD,\n"          # line 3 bad login
                "E3005,,PROD,\n"                  # line 4 no name
                "E3006,郑六,NOPE,\n"              # line 5 unknown department
                "E3007,王七,PROD,wizard\n"        # line 6 unknown role
                "E3009,冯八,PROD,\n"              # line 7 exists already
                "E3004,陈九,PROD,\n"              # line 8 twice in file
                "E3010,褚十,,liaison\n")          # line 9 liaison without department
    result = import_users(csv_text.encode())
    with force_locale("en"):
        messages = [str(e) for e in result.errors]
    assert _count() == before
    for line in range(3, 10):
        assert any(m.startswith(f"line {line}:") for m in messages), (line, messages)
    assert not any(m.startswith("line 2:") for m in messages)


def test_line_numbers_count_blank_lines_and_line_breaks_inside_a_cell(app, make_department):
    make_department(code="PROD")
    csv_text = (HEADER + "E3011,周十一,PROD,\n"   # line 2
                "\n"                                # line 3 blank
                '"E3012","卫\n十二",PROD,\n'       # lines 4-5: a name with a line break in it
                "bad login,蒋十三,PROD,\n")         # line 6
    result = import_users(csv_text.encode())
    with force_locale("en"):
        messages = [str(e) for e in result.errors]
    assert any(m.startswith("line 6:") for m in messages), messages


def test_gbk_file_from_excel_is_read(app, make_department):
    make_department(code="HR")
    result = import_users((HEADER + "E3011,人力小李,HR,\n").encode("gb18030"))
    assert not result.errors and result.created[0][0].name == "人力小李"


def test_missing_columns_are_explained(app):
    result = import_users(b"name,login\nx,y\n")
    with force_locale("en"):
        assert result.errors and "login, name, department, roles" in str(result.errors[0])


def test_admin_page_shows_errors_with_422_and_imports_nothing(client, login_as):
    login_as(Role.ADMIN)
    before = _count()
    response = client.post("/admin/users/import", data={
        "file": (io.BytesIO((HEADER + "x y,Name,,\n").encode()), "users.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "line 2:" in response.get_data(as_text=True) and _count() == before


def test_admin_page_lists_created_users_and_their_passwords(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/import", data={
        "file": (io.BytesIO((HEADER + "E3020,新人,,\n").encode()), "users.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "E3020" in page and "<code>" in page
