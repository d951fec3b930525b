"""Hostile photos are refused with the field's message before they can take the worker's memory."""
import io

import pytest
from flask_babel import force_locale
from PIL import Image, PngImagePlugin
from werkzeug.datastructures import FileStorage

from app import uploads
from app.extensions import db
from app.uploads import ImageRejected, save_image


@pytest.fixture(autouse=True)
def _english(app):
    with force_locale("en"):
        yield


def _upload(data: bytes, name="photo.png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _png(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **params)
    return buffer.getvalue()


def _jpeg(size=(1200, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_photo_is_stored_small_and_without_metadata(app):
    stored = save_image(_upload(_jpeg((4000, 3000)), "p.jpg"), "test")
    db.session.commit()
    with Image.open(io.BytesIO(uploads.stored_photo("test", stored.name))) as saved:
        assert max(saved.size) == uploads.MAX_SIDE and not saved.getexif()
    with Image.open(io.BytesIO(uploads.stored_photo("test", stored.thumb_name))) as thumb:
        assert max(thumb.size) == uploads.THUMB_SIDE
    assert uploads.stored_photo("other-kind", stored.name) is None


def test_a_stored_photo_carries_no_time_or_sequence(app):
    # Anonymity: nothing in the row can date the photo or place it between two others.
    assert set(uploads.StoredPhoto.__table__.columns.keys()) == {"name", "kind", "data"}


def test_a_photo_answers_with_an_etag_and_a_repeat_is_a_304(app):
    stored = save_image(_upload(_jpeg(), "p.jpg"), "test")
    db.session.commit()
    with app.test_request_context():
        first = uploads.photo_response("test", stored.name)
    assert first.status_code == 200 and first.mimetype == "image/jpeg" and "private" in first.headers["Cache-Control"]
    with app.test_request_context(headers={"If-None-Match": first.headers["ETag"]}):
        assert uploads.photo_response("test", stored.name).status_code == 304


def test_a_pixel_bomb_is_refused_from_its_header(app):
    # 79 megapixels in a few hundred KB: just under Pillow's own hard limit, far over ours.
    bomb = _png(Image.new("1", (8900, 8900)), optimize=True)
    assert len(bomb) < 1_000_000
    with pytest.raises(ImageRejected, match="40 megapixels"):
        save_image(_upload(bomb), "test")


def test_a_text_chunk_that_inflates_to_megabytes_is_unreadable_not_a_crash(app):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "a" * 8_000_000, zip=True)
    flood = _png(Image.new("RGB", (10, 10)), pnginfo=info)
    with pytest.raises(ImageRejected, match="not a photo we can read"):
        save_image(_upload(flood), "test")


@pytest.mark.parametrize("data", [
    _jpeg()[:4000],                                              # truncated mid-scan
    b"GIF89a<script>alert(1)</script>",                          # a GIF/HTML polyglot
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,                         # a PNG signature and nothing sane
], ids=["truncated", "polyglot", "svg", "broken-png"])
def test_files_that_are_not_readable_photos_get_the_field_message(app, data):
    with pytest.raises(ImageRejected):
        save_image(_upload(data), "test")


def test_an_empty_file_is_named_as_empty(app):
    with pytest.raises(ImageRejected, match="empty"):
        save_image(_upload(b""), "test")


def test_nothing_is_stored_for_a_refused_photo(app):
    with pytest.raises(ImageRejected):
        save_image(_upload(_jpeg()[:4000]), "test")
    db.session.commit()
    assert db.session.query(uploads.StoredPhoto).count() == 0


def test_on_sqlite_photos_have_no_hidden_insertion_counter(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite storage detail")
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError
    with pytest.raises(OperationalError):
        db.session.execute(text("SELECT rowid FROM stored_photos"))
