"""An anonymous note can never be traced back to its author: every column of every table and every
file written during the submit is inspected, and neither the order rows are stored in nor what the
author writes later (a reply, a rating) dates it more precisely than the day."""
import io
import logging
import secrets
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from PIL import Image
from sqlalchemy import select, text

from app.extensions import db
from app.revisions import Revision
from app.search_grams import grams_of
from app.suggestions import models
from app.suggestions.models import Answer, Rating, Suggestion
from app.timeutil import day_bounds, to_local, today
from app.uploads import StoredPhoto

from .photos import jpeg_bytes

USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) TraceableBrowser/9.9"
ADDRESS = "10.20.30.40"


def _snapshot() -> dict:
    """Every row of every table, as tuples of all their columns — but the revision counters, which
    hold a topic and a number (no row, id, time or person; see _counters_after)."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: {tuple(row) for row in connection.execute(select(table))}
                for table in db.metadata.sorted_tables if table.name != "revisions"}


def _counters_after(before: dict) -> set[str]:
    """The topics whose counter a write raised: a feature's name or a reader's notifications."""
    return {topic for topic, n in db.session.execute(select(Revision.topic, Revision.n)) if before.get(topic) != n}


def _submit_anonymously(app, client, login_as, categories, caplog, department):
    author = login_as(name="陈匿名", login="chen-anon", department=department)
    before = _snapshot()
    before["revisions"] = dict(db.session.execute(select(Revision.topic, Revision.n)).all())
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
    # Only the suggestion, its photo and its search grams: no history, no notification, no form-token row,
    # no user update.
    assert set(new_rows) == {"suggestions", "stored_photos", "search_grams"}, new_rows
    # The only other change: the suggestion box's page counter went up, as with any note; nothing of
    # the author's (their notifications, the people pages) was touched.
    assert _counters_after(before["revisions"]) == {"suggestions"}
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
    # The grams hold the suggestion's own text under its random key and status, nothing else (the table has
    # no rowid on SQLite, so not even their order tells when they were written).
    assert {(kind, row_id, facet) for kind, _gram, facet, row_id in new_rows["search_grams"]} == {
        ("suggestion", record["id"], "new")}
    assert {gram for _kind, gram, _facet, _row_id in new_rows["search_grams"]} == grams_of(record["title"],
                                                                                          record["details"])
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


# ---------------------------------------------------------------- row order and later writes

def _scripted_ids(monkeypatch, *offsets):
    """The next suggestions get these random ids (10**11 + offset); later calls are random again."""
    scripted = iter(offsets)

    def randbelow(bound):
        return next(scripted, None) or secrets.randbelow(bound)
    monkeypatch.setattr(models, "secrets", SimpleNamespace(randbelow=randbelow))


def _sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def _xmin(table: str, key: str, value: int) -> int:
    """PostgreSQL: the id of the transaction that wrote the row's current version."""
    return db.session.scalar(text(f"SELECT xmin::text::bigint FROM {table} WHERE {key} = :v"), {"v": value})


def test_rows_are_kept_in_random_order_not_filing_order(app, make_suggestion, make_user, monkeypatch, publish):
    author, colleague = make_user(name="陈实名"), make_user(name="李同事")
    # Filed one after the other: the author's named note, then the same author's anonymous one,
    # then a colleague's. Their random ids happen to order them anonymous, colleague, named.
    _scripted_ids(monkeypatch, 500, 100, 300)
    named = make_suggestion(author, title="实名：食堂")
    anonymous = make_suggestion(None, title="匿名：车间照明")
    other = make_suggestion(colleague, title="同事：班车")
    assert (named.id, anonymous.id, other.id) == (10**11 + 500, 10**11 + 100, 10**11 + 300)
    if _sqlite():
        stored = db.session.execute(text("SELECT rowid, id, title FROM suggestions ORDER BY rowid")).all()
        assert all(rowid == key for rowid, key, _title in stored)  # the random id IS the rowid
        order = [title for _rowid, _key, title in stored]
        assert order == ["匿名：车间照明", "同事：班车", "实名：食堂"]
        assert abs(order.index("匿名：车间照明") - order.index("实名：食堂")) > 1
        return
    # PostgreSQL keeps the transaction that wrote each row (xmin): until the row is first changed, it
    # follows filing order. This is the residue the README describes; the office's first answer
    # (or the overdue reminder) rewrites the row and it is gone.
    xmins = [_xmin("suggestions", "id", s.id) for s in (named, anonymous, other)]
    assert xmins == sorted(xmins)
    publish(anonymous, "in_progress", "收到，正在处理")
    assert _xmin("suggestions", "id", anonymous.id) > _xmin("suggestions", "id", other.id)


def _answered_anonymous_note(make_suggestion, publish):
    suggestion = make_suggestion(None)
    code = suggestion.code
    answer = publish(suggestion, "resolved", "已加装照明。")
    return suggestion, code, answer


def test_an_anonymous_reply_is_dated_to_the_day_and_placed_only_after_what_it_answers(
        app, client, make_suggestion, publish):
    suggestion, code, office_answer = _answered_anonymous_note(make_suggestion, publish)
    before = _snapshot()
    assert client.post(f"/suggestions/track/{code}/reply", data={"body": "谢谢，已经亮了"}).status_code == 303
    after = _snapshot()
    assert {name for name in after if after[name] != before[name]} == {"suggestion_answers"}
    reply = db.session.scalar(select(Answer).where(Answer.from_author.is_(True)))
    midnight = day_bounds(today())[0]
    assert reply.created_at == reply.published_at == midnight
    # Its place in the thread says "after the office's answer", which the thread shows anyway.
    assert reply.thread_at == max(midnight, office_answer.thread_at + timedelta(microseconds=1))
    page = client.get(f"/suggestions/track/{code}").get_data(as_text=True)
    assert page.index("已加装照明。") < page.index("谢谢，已经亮了")
    if _sqlite():
        assert db.session.scalar(text("SELECT rowid FROM suggestion_answers WHERE id = :id"),
                                 {"id": reply.id}) == reply.id


def test_an_anonymous_rating_has_no_id_of_its_own_and_only_a_day(app, client, make_suggestion, publish):
    suggestion, code, _answer = _answered_anonymous_note(make_suggestion, publish)
    before = _snapshot()
    response = client.post(f"/suggestions/track/{code}/rating", data={"score": "4", "comment": "很满意"})
    assert response.status_code == 303
    after = _snapshot()
    assert {name for name in after if after[name] != before[name]} == {"suggestion_ratings"}
    (row,) = after["suggestion_ratings"] - before["suggestion_ratings"]
    record = dict(zip([c.name for c in Rating.__table__.columns], row, strict=True))
    # The key is the suggestion's random id: no sequence orders it against other people's ratings.
    assert record == {"suggestion_id": suggestion.id, "score": 4, "comment": "很满意", "rated_on": today()}
    assert not any(isinstance(value, datetime) for value in record.values())
    if _sqlite():
        assert db.session.scalar(text("SELECT rowid FROM suggestion_ratings")) == suggestion.id
