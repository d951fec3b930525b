"""Command-line tools: demo data and account management."""
import getpass
import secrets
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import backup, scheduler
from app.admin import services as admin_services
from app.auth import services as accounts
from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db

# The departments named in the office director's speech (CONTEXT.md).
DEPARTMENTS = [
    ("OFFICE", "办公室", "Office"), ("PROD", "生产部", "Production"), ("SALES", "销售部", "Sales"),
    ("RD", "研发部", "R&D"), ("QA", "质量部", "Quality"), ("PUR", "采购部", "Purchasing"),
    ("FIN", "财务部", "Finance"), ("HR", "人力资源部", "Human Resources"), ("LOG", "后勤部", "Logistics"),
    ("TECH", "技术部", "Technical"),
]
DEMO_PASSWORD = "demo-pass-2026"
# login, name, department code, roles
DEMO_USERS = [
    ("admin", "系统管理员 Admin", "OFFICE", [Role.ADMIN]),
    ("office", "王主任 Wang (Office)", "OFFICE", [Role.OFFICE]),
    ("reception", "李前台 Li (Reception)", "OFFICE", [Role.RECEPTION]),
    ("maint", "张师傅 Zhang (Maintenance)", "LOG", [Role.MAINTENANCE]),
    ("employee", "陈员工 Chen (Employee)", "RD", []),
    ("leader", "赵总 Zhao (Leader)", "OFFICE", [Role.LEADER]),
]
# Someone who left: their deactivated row keeps the users list honest (the web-standards checks see it).
DEMO_FORMER = ("former", "刘离职 Liu (Left)", "SALES")

users_cli = AppGroup("users", help="Create and import accounts.")


def seed_demo(force: bool = False) -> list[tuple[str, str]]:
    """Departments, one user per role and one liaison per department; returns (login, password) pairs."""
    if not force and db.session.scalar(select(func.count()).select_from(User)):
        raise click.ClickException("The database already has users; use --force to add demo data anyway.")
    departments = {}
    for code, zh, en in DEPARTMENTS:
        department = db.session.scalar(select(Department).where(Department.code == code))
        departments[code] = department or Department(code=code, name_zh=zh, name_en=en)
        db.session.add(departments[code])
    db.session.flush()
    people = list(DEMO_USERS) + [
        (f"liaison-{code.lower()}", f"{zh}联络员 {en} liaison", code, [Role.LIAISON])
        for code, zh, en in DEPARTMENTS]
    created = []
    for login, name, code, roles in people:
        if accounts.find_by_login(login) is None:
            user = User(login=login, name=name, department=departments[code])
            user.set_password(DEMO_PASSWORD)
            user.set_roles(roles)
            db.session.add(user)
            created.append((login, DEMO_PASSWORD))
    _seed_former(departments)
    db.session.commit()
    seed_reference_data()
    for hook in current_app.extensions.get("officehub_demo_seeders", []):
        hook()
    return created


def _seed_former(departments: dict) -> None:
    """The deactivated demo account, made once, with a random password nobody knows."""
    login, name, code = DEMO_FORMER
    if accounts.find_by_login(login) is None:
        user = User(login=login, name=name, department=departments[code], active=False)
        user.set_password(secrets.token_urlsafe(24))
        db.session.add(user)


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Add demo data even though users exist.")
@click.option("--if-empty", is_flag=True, help="Do nothing, quietly, when users exist (for setup scripts).")
def seed_demo_command(force: bool, if_empty: bool) -> None:
    """Fill an empty database with demo departments and one demo user per role."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already has users; demo data not added.")
        return
    created = seed_demo(force)
    click.echo(f"Demo data ready. Every demo account's password is: {DEMO_PASSWORD}")
    for login, _password in created:
        click.echo(f"  {login}")


def _read_password() -> str:
    """From a prompt on a terminal, else the first line of stdin: never from the command line."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise click.ClickException("The two passwords differ.")
        return password
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.argument("login")
@click.argument("name")
@click.option("--department", "department_code", default="", help="Department short code.")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role if r is not Role.EMPLOYEE]),
              help="Repeat for several roles.")
def create_user(login: str, name: str, department_code: str, roles: tuple) -> None:
    """Create an account; the password is read from a prompt or stdin."""
    department = None
    if department_code:
        department = db.session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise click.ClickException(f"No department has the code {department_code}.")
    password = _read_password()
    if len(password) < 8:
        raise click.ClickException("The password must have at least 8 characters.")
    try:
        accounts.save_user(User(), login=login, name=name, department=department, roles=roles,
                           password=password)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {login}.")


@users_cli.command("import")
@click.argument("csv_file", type=click.File("rb"))
def import_users(csv_file) -> None:
    """Import users from CSV (login,name,department,roles); nothing is imported if any row is wrong."""
    result = admin_services.import_users(csv_file.read())
    if result.errors:
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(result.errors)} error(s); nothing was imported.")
    click.echo("login,temporary_password")
    for user, password in result.created:
        click.echo(f"{user.login},{password}")


@click.command("tick")
def tick_command() -> None:
    """Run every periodic job once now (reminders, escalations, auto-confirmations, the purge).

    `flask scheduler` does this by itself; tick is the manual trigger, safe beside a running scheduler.
    """
    for name, result in scheduler.run_all():
        click.echo(f"{name}: {result}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Write a consistent copy of the installation (database and photos) to PATH while it runs."""
    try:
        backup.backup(path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path: str) -> None:
    """Restore a backup into this installation's empty database (run `flask db upgrade` afterwards)."""
    try:
        backup.restore(path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored from {path}. Run `flask db upgrade` if the backup is from an older version.")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the periodic jobs every minute until stopped; run one per app machine or just one."""
    click.echo(f"Scheduler started: every {current_app.config['SCHEDULER_INTERVAL_SECONDS']} s. Ctrl-C stops it.")
    scheduler.serve(current_app._get_current_object())


def register_periodic(app, name: str, job) -> None:
    """A feature's job for `flask tick`: a no-argument callable returning a short summary."""
    app.extensions.setdefault("officehub_periodic", []).append((name, job))


def register_reference_data(app, seeder) -> None:
    """A feature's reference data (default categories, checklist templates): an idempotent callable.

    Production installs get the same rows from a data migration; `flask seed-demo` and the tests run
    these. Reads never create rows.
    """
    app.extensions.setdefault("officehub_reference_data", []).append(seeder)


def seed_reference_data() -> None:
    for seeder in current_app.extensions.get("officehub_reference_data", []):
        seeder()


def register_demo_seeder(app, seeder) -> None:
    """A feature's demo data, added by `flask seed-demo` after the departments and demo users."""
    app.extensions.setdefault("officehub_demo_seeders", []).append(seeder)


def init_app(app) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(tick_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
