"""Command line: demo data, creating and importing accounts, the periodic tick."""
from sqlalchemy import func, select

from app.auth.models import Department, User
from app.auth.roles import Role
from app.cli import DEMO_PASSWORD
from app.extensions import db


def _users():
    return db.session.scalar(select(func.count()).select_from(User))


def test_seed_demo_creates_departments_and_one_user_per_role(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0 and DEMO_PASSWORD in result.output
    assert db.session.scalar(select(func.count()).select_from(Department)) == 10
    roles = set().union(*(u.roles for u in db.session.scalars(select(User))))
    assert roles == set(Role)
    prod = db.session.scalar(select(Department).where(Department.code == "PROD"))
    from app.auth.services import liaison_of
    assert liaison_of(prod.id).login == "liaison-prod"


def test_seed_demo_refuses_to_run_twice_unless_forced(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    count = _users()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already has users" in again.output and _users() == count
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert runner.invoke(args=["seed-demo", "--force"]).exit_code == 0 and _users() == count


def test_demo_data_holds_what_the_standards_checks_must_see(app):
    """A deactivated account on the users list and a drafted answer on the office's suggestion page are drawn
    differently; the web-standards checks (tests/browser/pages.py) see them only if the demo has them."""
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["seed-demo", "--force"])
    from app.suggestions.models import Answer
    assert db.session.scalars(select(User.login).where(User.active.is_(False))).all() == ["former"]
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.published_at.is_(None))) == 1
    signed_in = app.test_client().post("/login", data={"login": "former", "password": DEMO_PASSWORD})
    assert signed_in.status_code != 303


def test_users_create_reads_the_password_from_stdin(app):
    db.session.add(Department(code="RD", name_zh="研发部", name_en="R&D"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "create", "E4001", "刘工", "--department", "RD",
                                                "--role", "office"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "E4001"))
    assert user.check_password("a-long-password") and Role.OFFICE in user.roles


def test_users_create_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "E4002", "X"], input="short\n")
    assert result.exit_code != 0 and _users() == 0


def test_users_import_prints_temporary_passwords_or_errors(app, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("login,name,department,roles\nE4003,新同事,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["users", "import", str(good)])
    assert result.exit_code == 0 and "E4003," in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("login,name,department,roles\nE4004,,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["users", "import", str(bad)])
    assert result.exit_code != 0 and _users() == 1


def test_tick_runs_every_registered_job(app):
    from app.cli import register_periodic
    calls = []
    register_periodic(app, "test-job", lambda: calls.append(1) or "1 done")
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0 and "test-job: 1 done" in result.output and calls == [1]
