"""A backup taken while the app runs restores to an identical installation, photos included."""
import io
from ast import literal_eval

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import backup, create_app
from app.cli import seed_demo
from app.config import TestConfig
from app.extensions import db
from app.uploads import StoredPhoto, save_image


def _photo() -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(buffer, "JPEG")
    return FileStorage(stream=io.BytesIO(buffer.getvalue()), filename="lab.jpg")


def _snapshot() -> dict:
    """Every row of every table, in a stable order."""
    found = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        found[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return found


def test_a_populated_installation_round_trips_through_backup_and_restore(app, tmp_path, empty_database_url):
    seed_demo(force=True)
    save_image(_photo(), "repairs")
    db.session.commit()
    before = _snapshot()
    assert before["users"] and len(before["stored_photos"]) == 2
    backup.backup(tmp_path / "officehub.backup")

    fresh = create_app(TestConfig(empty_database_url))
    with fresh.app_context():
        backup.restore(tmp_path / "officehub.backup")
        after = _snapshot()
        photo = db.session.scalars(select(StoredPhoto)).first()
        db.session.remove()
        db.engine.dispose()
    # The revision counters alone move on, past any value copies of pages kept elsewhere were made under.
    counters_before, counters_after = before.pop("revisions"), after.pop("revisions")
    assert after == before
    assert len(counters_after) == len(counters_before) > 0
    old = {literal_eval(topic): literal_eval(n) for topic, n in counters_before}
    assert all(literal_eval(n) > old[literal_eval(topic)] + 2**40 - 1 for topic, n in counters_after)
    assert Image.open(io.BytesIO(photo.data)).size == (640, 480)


def test_restore_refuses_an_installation_that_has_data(app, tmp_path):
    seed_demo(force=True)
    backup.backup(tmp_path / "b")
    with pytest.raises(backup.BackupError, match="already has data"):
        backup.restore(tmp_path / "b")
