"""The schema comes only from migrations: applied to an empty database they give exactly the models."""
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.config import TestConfig
from app.extensions import db

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
