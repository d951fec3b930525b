"""List rows draw a 56 px thumbnail: they load a 112 px square made at upload (sharp at 2x), not the
320 px thumbnail of the detail page; migration 0029 makes it for photos stored before."""
import io
import re
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from PIL import Image
from sqlalchemy import text

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.repairs.models import RepairRequest
from app.uploads import ROW_SIDE, StoredPhoto, delete_image
from tests.repairs.conftest import photo_bytes

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _file_with_photo(client, equipment) -> RepairRequest:
    client.post("/repairs/new", data={
        "location_id": equipment.location_id, "equipment_id": equipment.id, "category": "hvac",
        "urgency": "normal", "description": "The air conditioner blows warm air",
        "photos": [(photo_bytes(size=(1600, 1200)), "IMG_0001.jpg")]}, content_type="multipart/form-data")
    return db.session.query(RepairRequest).one()


def test_a_list_row_loads_a_112_px_square_much_lighter_than_the_detail_thumbnail(client, login_as,
                                                                                   make_equipment):
    login_as()
    repair = _file_with_photo(client, make_equipment())
    row = re.search(r'class="row-thumb" src="([^"]+)"', client.get("/repairs/").get_data(True)).group(1)
    small = client.get(row).data
    detail = client.get(f"/repairs/photos/{repair.photos[0].id}?thumb=1").data
    assert _size(small) == (ROW_SIDE, ROW_SIDE) and _size(detail) == (320, 240)
    assert len(small) < len(detail) / 2


def test_removing_a_photo_removes_its_row_thumbnail_too(client, login_as, make_equipment):
    login_as()
    name = _file_with_photo(client, make_equipment()).photos[0].name
    assert db.session.query(StoredPhoto).count() == 3
    delete_image("repairs", name)
    db.session.commit()
    assert db.session.query(StoredPhoto).count() == 0


@pytest.fixture
def app_at_0028(empty_database_url):
    app = create_app(TestConfig(empty_database_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0028")
        yield app
        db.session.remove()
        db.engine.dispose()


def _jpeg(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_migration_0029_gives_repair_photos_stored_before_their_row_thumbnail(app_at_0028):
    for stem, kind in (("a" * 24, "repairs"), ("b" * 24, "repairs"), ("c" * 24, "suggestions")):
        for name, size in ((f"{stem}.jpg", (1600, 1200)), (f"{stem}.thumb.jpg", (320, 240))):
            db.session.execute(text("INSERT INTO stored_photos (name, kind, data) VALUES (:n, :k, :d)"),
                               {"n": name, "k": kind, "d": _jpeg(size)})
    db.session.commit()
    upgrade(directory=MIGRATIONS, revision="0029")
    rows = dict(db.session.execute(text("SELECT name, data FROM stored_photos WHERE name LIKE '%.row.jpg'")).all())
    assert sorted(rows) == [f"{'a' * 24}.row.jpg", f"{'b' * 24}.row.jpg"]  # suggestions draw no photo rows
    assert all(_size(data) == (ROW_SIDE, ROW_SIDE) for data in rows.values())
    downgrade(directory=MIGRATIONS, revision="0028")
    assert db.session.execute(text("SELECT count(*) FROM stored_photos")).scalar() == 6
