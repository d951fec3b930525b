"""Migration 0013 on an installation that already has suggestions: on SQLite the existing rows are
stored by their random id from then on (no insertion-order rowid), nothing is lost, ratings lose
their sequential id, and earlier anonymous replies keep only their day."""
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import DateTime, text

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.timeutil import day_bounds, to_local

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
# Filed in this order (named, anonymous, named); their random ids order them otherwise.
NAMED, ANONYMOUS, LATER = 900000000003, 100000000001, 500000000002
OFFICE_ANSWER, REPLY = 777000000000, 333000000000
ANSWERED_AT = datetime(2026, 11, 2, 2, 0)  # 10:00 in Shanghai


@pytest.fixture
def app_at_0012(empty_database_url):
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0012")
        yield app
        db.session.remove()
        db.engine.dispose()


def _sql(statement, **values):
    return db.session.execute(text(statement), values)


def _fill_as_before_0013():
    category = _sql("SELECT id FROM suggestion_categories ORDER BY id LIMIT 1").scalar()
    for key in (NAMED, ANONYMOUS, LATER):
        _sql("INSERT INTO suggestions (id, anonymous, source, category_id, title, details, status, created_at, "
             "answer_due_at, overdue_reminded, on_board, version) VALUES (:id, :anonymous, 'online', :category, "
             ":title, 'd', 'resolved', :day, :day, false, false, 1)",
             id=key, anonymous=key == ANONYMOUS, category=category, title=f"note {key}", day=datetime(2026, 11, 1))
    _sql("UPDATE suggestions SET merged_into_id = :survivor WHERE id = :duplicate", survivor=NAMED, duplicate=LATER)
    # Before 0013 an anonymous reply was placed a microsecond after the answer it followed.
    for key, from_author, moment in ((OFFICE_ANSWER, False, ANSWERED_AT),
                                     (REPLY, True, ANSWERED_AT + timedelta(microseconds=1))):
        _sql("INSERT INTO suggestion_answers (id, suggestion_id, from_author, body, created_at, published_at) "
             "VALUES (:id, :suggestion, :from_author, 'text', :moment, :moment)",
             id=key, suggestion=ANONYMOUS, from_author=from_author, moment=moment)
    for key in (ANONYMOUS, NAMED):
        _sql("INSERT INTO suggestion_ratings (suggestion_id, score, comment, rated_on) "
             "VALUES (:suggestion, 4, '', '2026-11-03')", suggestion=key)
    _sql("INSERT INTO suggestion_events (suggestion_id, kind, detail, created_at) "
         "VALUES (:suggestion, 'paper', '', '2026-11-01')", suggestion=ANONYMOUS)
    db.session.commit()


def test_0013_stores_existing_rows_by_their_random_id_and_loses_nothing(app_at_0012):
    _fill_as_before_0013()
    upgrade(directory=MIGRATIONS, revision="0013")
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        stored = _sql("SELECT rowid, id FROM suggestions ORDER BY rowid").all()
        assert stored == [(ANONYMOUS, ANONYMOUS), (LATER, LATER), (NAMED, NAMED)]
        assert _sql("SELECT rowid, id FROM suggestion_answers ORDER BY rowid").all() == [
            (REPLY, REPLY), (OFFICE_ANSWER, OFFICE_ANSWER)]
        assert _sql("SELECT rowid FROM suggestion_ratings ORDER BY rowid").scalars().all() == [ANONYMOUS, NAMED]
        # The rebuild turned foreign keys off for itself only: the app's connections enforce them again.
        assert _sql("PRAGMA foreign_keys").scalar() == 1
    assert _sql("SELECT suggestion_id FROM suggestion_ratings ORDER BY suggestion_id").scalars().all() == [
        ANONYMOUS, NAMED]
    assert _sql("SELECT count(*) FROM suggestion_events").scalar() == 1
    assert _sql("SELECT merged_into_id FROM suggestions WHERE id = :id", id=LATER).scalar() == NAMED
    moments = text("SELECT created_at, published_at, thread_at FROM suggestion_answers ORDER BY from_author")
    office, reply = db.session.execute(moments.columns(created_at=DateTime, published_at=DateTime,
                                                       thread_at=DateTime)).all()
    assert office == (ANSWERED_AT, ANSWERED_AT, ANSWERED_AT)
    midnight = day_bounds(to_local(ANSWERED_AT).date())[0]
    assert reply == (midnight, midnight, ANSWERED_AT + timedelta(microseconds=1))


def test_0013_can_be_rolled_back_with_the_data(app_at_0012):
    _fill_as_before_0013()
    upgrade(directory=MIGRATIONS, revision="0013")
    downgrade(directory=MIGRATIONS, revision="0012")
    db.session.remove()
    assert _sql("SELECT count(*) FROM suggestions").scalar() == 3
    assert _sql("SELECT count(*) FROM suggestion_answers").scalar() == 2
    assert sorted(_sql("SELECT id FROM suggestion_ratings").scalars().all()) == [1, 2]
    db.session.remove()  # let go of the tables before the next upgrade locks them
    upgrade(directory=MIGRATIONS, revision="0013")
