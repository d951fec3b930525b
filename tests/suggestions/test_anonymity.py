"""An anonymous note can never be traced back to its author: every column of every table and every
file written during the submit is inspected."""
import io
import logging
from datetime import datetime, time

from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.suggestions.models import Answer, Suggestion
from app.timeutil import to_local
from app.uploads import StoredPhoto

from .photos import jpeg_bytes

USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) TraceableBrowser/9.9"
ADDRESS = "10.20.30.40"


def _snapshot() -> dict:
    """Every row of every table, as tuples of all their columns."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: {tuple(row) for row in connection.execute(select(table))}
                for table in db.metadata.sorted_tables}


def _submit_anonymously(app, client, login_as, categories, caplog, department):
    author = login_as(name="陈匿名", login="chen-anon", department=department)
    before = _snapshot()
    photo = jpeg_bytes()
    with caplog.at_level(logging.DEBUG):
        response = client.post("/suggestions/new", data={
            "category_id": categories[0].id, "title": "车间照明太暗", "details": "夜班时三号线几乎看不清 💡",
            "anonymous": "y", "token": "anon-token-1234567890",
            "photo": (io.BytesIO(photo), "IMG_0001.jpg")},
            headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": ADDRESS},
            content_type="multipart/form-data")
    return author, response, before


def test_anonymous_submit_writes_one_row_that_names_nobody(app, client, login_as, categories, caplog, make_department):
    author, response, before = _submit_anonymously(app, client, login_as, categories, caplog,
                                                                      make_department(code="SECRETDEPT"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "tracking code" in page
    after = _snapshot()
    new_rows = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    # Only the suggestion and its photo: no history, no notification, no form-token row, no user update.
    assert set(new_rows) == {"suggestions", "stored_photos"}, new_rows
    (row,) = new_rows["suggestions"]
    columns = [c.name for c in Suggestion.__table__.columns]
    record = dict(zip(columns, row, strict=True))
    assert record["author_id"] is None and record["anonymous"] in (True, 1)
    identifying = {author.id, author.login, author.name, author.department_id, ADDRESS, USER_AGENT, "IMG_0001.jpg"}
    for name, value in record.items():
        if name in ("id", "version", "category_id") or value is None or isinstance(value, bool):
            continue
        assert value not in identifying, f"column {name} holds {value!r}"
        if isinstance(value, str):
            assert all(part not in value for part in identifying if isinstance(part, str)), name
        if isinstance(value, datetime):
            assert to_local(value).time() == time(0, 0), f"{name} keeps the time of day: {value}"
    code = page.split('id="tracking-code">')[1].split("<")[0].replace("-", "")
    assert all(code not in str(value) for value in record.values())
    assert "anon-token" not in str(record)
    assert not [r for r in caplog.records if r.name.startswith("app")], "the app logged during the submit"
    # Pillow's debug log would otherwise print the photo's EXIF (camera model, GPS) while reading it.
    assert not [r for r in caplog.records if "SecretPhone" in r.getMessage() or "GPS" in r.getMessage()]
    assert code not in response.headers.get("Set-Cookie", "")


def test_anonymous_photos_carry_no_metadata_time_or_order(app, client, login_as, categories, caplog,
                                                         make_department):
    _author, response, before = _submit_anonymously(app, client, login_as, categories, caplog,
                                                     make_department(code="SECRETDEPT"))
    assert response.status_code == 200
    new_photos = _snapshot()["stored_photos"] - before["stored_photos"]
    assert len(new_photos) == 2  # the photo and its thumbnail
    for name, kind, raw in new_photos:
        # A random name, the feature, the pixels: no time, no sequence, nothing of the phone.
        assert kind == "suggestions" and "chen" not in name and "IMG_0001" not in name
        assert b"SecretPhone" not in raw and b"Exif" not in raw and b"2026:11:22" not in raw
        with Image.open(io.BytesIO(raw)) as image:
            assert not image.getexif() and "exif" not in image.info


def test_named_photo_is_stripped_too(app, client, login_as, categories):
    login_as()
    response = client.post("/suggestions/new", data={
        "category_id": categories[0].id, "title": "空调", "details": "太冷", "token": "named-token-123456789",
        "photo": (io.BytesIO(jpeg_bytes()), "IMG_0002.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 303
    suggestion = db.session.scalar(select(Suggestion))
    assert b"SecretPhone" not in db.session.get(StoredPhoto, suggestion.photo_name).data


def test_office_sees_no_author_of_an_anonymous_note(app, client, login_as, make_suggestion, make_user):
    author = make_user(name="赵秘密")
    suggestion = make_suggestion(None, title="匿名建议")
    login_as("office")
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "匿名建议" in page and "赵秘密" not in page and "anonymous" in page
    triage = client.get("/suggestions/triage").get_data(as_text=True)
    assert "赵秘密" not in triage
    assert author.id  # the author exists, yet nothing leads to them


def test_anonymous_reply_is_dated_to_the_day(app, client, make_suggestion):
    suggestion = make_suggestion(None)
    response = client.post(f"/suggestions/track/{suggestion.code}/reply", data={"body": "补充：周末也是"})
    assert response.status_code == 303
    db.session.refresh(suggestion)
    reply = db.session.scalar(select(Answer))
    assert reply.from_author and reply.written_by_id is None
    assert to_local(reply.created_at).time() == time(0, 0)
