"""The schema comes only from migrations: applied to an empty database they give exactly the models."""
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app import create_app
from app.auth.models import Department, User
from app.config import TestConfig
from app.extensions import db
from app.requests import figures
from app.requests.models import RequestFigureDay, RequestType, ServiceRequest
from app.timeutil import utcnow

MIGRATIONS = str(Path(__file__).resolve().parents[1] / "migrations")


@pytest.fixture
def migrated_app(empty_database_url):
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migrations_give_exactly_the_models_schema(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "models and migrations differ; add a migration:\n" + "\n".join(map(str, diff))


def test_migrations_can_be_rolled_back_to_empty(migrated_app):
    downgrade(directory=MIGRATIONS, revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_the_request_figures_migration_counts_the_requests_already_filed(migrated_app):
    """Migration 0039 fills the day rows and spans of the requests filed before it, as the writes keep them."""
    department = Department(code="QA", name_zh="质量部", name_en="Quality")
    person = User(login="sales", name="Sales", password_hash="x")
    request_type = RequestType(name_zh="检测报告申请", name_en="Test report", department=department)
    now = utcnow()
    for days, hours in ((1, 2), (1, None), (40, 30)):
        filed = now - timedelta(days=days)
        db.session.add(ServiceRequest(type=request_type, department=department, requester=person, text="x",
                                      created_at=filed, answer_due=filed + timedelta(hours=8),
                                      complete_due=filed + timedelta(days=2),
                                      answered_at=filed + timedelta(hours=hours) if hours else None))
    db.session.commit()
    kept = _figure_rows()
    assert len(kept[0]) == 2 and sum(row[3] for row in kept[0]) == 3
    before = ScriptDirectory(MIGRATIONS).get_revision("0039").down_revision
    downgrade(directory=MIGRATIONS, revision=before)
    db.session.remove()
    upgrade(directory=MIGRATIONS, revision="heads")
    assert _figure_rows() == kept


def _figure_rows() -> tuple:
    days = sorted((row.day, row.department_id, row.type_id, *(getattr(row, name) for name in figures.COUNTS))
                  for row in db.session.scalars(select(RequestFigureDay)))
    spans = sorted((row.id, row.answer_seconds, row.done_seconds) for row in db.session.scalars(select(ServiceRequest)))
    db.session.rollback()
    return days, spans
