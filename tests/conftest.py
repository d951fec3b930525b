"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
a client, and login_as(role) which signs a new user with that role in."""
import itertools
import os

import psycopg
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app, fragments
from app.auth.models import Department, User
from app.auth.roles import Role
from app.config import TestConfig
from app.extensions import db

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def _using_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def fresh_postgres_database(name: str) -> str:
    """A new, empty PostgreSQL database `name` on the test server (dropped first if a run left it): its URL."""
    server = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0]
    admin = server.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_postgres_database(url: str) -> None:
    server, name = url.rsplit("/", 1)
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _suite_database_url(tmp_path_factory) -> str | None:
    """The database the unit tests share: a SQLite file of this run, or on PostgreSQL TEST_DATABASE_URL
    itself; run in parallel (pytest-xdist), each worker gets its own PostgreSQL database named after it,
    since every test empties the tables when it ends."""
    if not _using_postgres():
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None  # TestConfig reads TEST_DATABASE_URL
    return fresh_postgres_database(f"{os.environ['TEST_DATABASE_URL'].rsplit('/', 1)[1]}_{worker}")


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed, and the test holds one open; without
    this, `g` (where Flask-Login keeps the signed-in user and Flask-Babel the locale) would leak
    from one request into the next. Afterwards the test's own session is expired, so what a
    test reads back is what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _shared_app(tmp_path_factory):
    """One application and one schema for the whole run. Building an app compiles every URL rule
    (about 75 ms) and creating 40 tables costs more: neither should be paid by each of the suite's
    thousand-odd tests. Tests get empty tables instead (see `app`)."""
    app = create_app(TestConfig(_suite_database_url(tmp_path_factory)))
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    return app


@pytest.fixture
def app(_shared_app, tmp_path):
    """The application on empty tables, with its configuration restored after the test, so a
    test that changes a setting changes it for itself only."""
    app = _shared_app
    config = dict(app.config)
    extensions = {key: list(value) if isinstance(value, list) else value
                  for key, value in app.extensions.items()}
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    with app.app_context():
        yield app
        # The session must let go of its transaction first, or emptying tables on PostgreSQL hangs.
        db.session.remove()
        # DELETE, children first: on tables holding a few rows it is far cheaper than TRUNCATE.
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        # The revision counters start again at 0 on the emptied tables: parts kept under their old
        # values would be taken for the next test's.
        app.extensions[fragments.STORE].clear()
    app.config.clear()
    app.config.update(config)
    app.extensions.clear()
    app.extensions.update(extensions)


@pytest.fixture
def client(app):
    client = app.test_client()
    # Tests read English unless they ask for Chinese; the product's default stays zh_CN.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def make_department(app):
    def make(code=None, name_zh="测试部", name_en="Testing", active=True):
        code = code or f"D{next(_counter)}"
        department = Department(code=code, name_zh=name_zh, name_en=name_en, active=active)
        db.session.add(department)
        db.session.commit()
        return department
    return make


@pytest.fixture
def make_user(app, make_department):
    def make(*roles, login=None, name=None, department=None, password=PASSWORD, active=True, locale="en"):
        n = next(_counter)
        if department is None and Role.LIAISON in roles:
            department = make_department()
        user = User(login=login or f"user{n}", name=name or f"User {n}", department=department,
                    active=active, locale=locale)
        user.set_password(password)
        user.set_roles(roles)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def login_as(client, make_user):
    """Sign in through the real login form as a new user holding `roles`; returns the user."""
    def login(*roles, **kwargs):
        user = make_user(*roles, **kwargs)
        response = client.post("/login", data={"login": user.login, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return user
    return login


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""
    class Counter:
        def __init__(self):
            self.count = 0

        def __call__(self, *args):
            self.count += 1

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self)
    return Counter


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database of the kind the suite runs on."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    url = fresh_postgres_database(f"officehub_migrations_{os.getpid()}")
    yield url
    drop_postgres_database(url)
