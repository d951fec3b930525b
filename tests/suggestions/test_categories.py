"""The default categories are reference data: migration 0007 and the seeder give the same seven rows,
once, and reading the list never writes."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.suggestions import services
from app.suggestions.models import Category
from tests.test_migrations import MIGRATIONS

DEFAULTS = ["Work environment", "Canteen and meals", "Commuting", "Facilities and equipment", "Ways of working",
            "Safety", "Other"]


def _names() -> list[str]:
    return list(db.session.scalars(select(Category.name_en).order_by(Category.position, Category.id)))


def test_categories_start_with_the_seven_defaults(app):
    assert [c.name_en for c in services.categories()] == DEFAULTS
    assert services.categories()[1].name_zh == "食堂与餐饮"


def test_seeding_again_adds_nothing_and_keeps_the_offices_edits(app, categories):
    categories[0].name_en = "Office space"
    db.session.commit()
    services.seed_default_categories()
    assert _names() == ["Office space", *DEFAULTS[1:]]


def test_reading_the_list_never_writes(app):
    db.session.execute(Category.__table__.delete())
    db.session.commit()
    assert services.categories() == [] and services.categories(active_only=False) == []
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0


class TestMigration:
    """Migration 0007 on a database of the kind the suite runs on (its own, made empty for the test)."""

    @pytest.fixture
    def default_categories(self):
        """No seeding here: the migration is what is tested."""

    @pytest.fixture
    def migrated(self, empty_database_url):  # noqa: F811
        app = create_app(TestConfig(empty_database_url))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()

    @pytest.mark.usefixtures("migrated")
    def test_it_inserts_the_same_rows_as_the_seeder(self):
        upgrade(directory=MIGRATIONS, revision="0007")
        assert _names() == DEFAULTS
        services.seed_default_categories()
        assert _names() == DEFAULTS

    @pytest.mark.usefixtures("migrated")
    def test_it_leaves_an_existing_list_alone(self):
        upgrade(directory=MIGRATIONS, revision="0006")
        # Written as SQL, as the schema stood then: the app's models (and its revision counters) are newer.
        db.session.execute(insert(Category.__table__).values(name_zh="自定义", name_en="Our own", position=0,
                                                             active=True))
        db.session.commit()
        upgrade(directory=MIGRATIONS, revision="0007")
        assert _names() == ["Our own"]
