"""Revision counters and the repeat views they allow (app/revisions.py, app/pagecache.py)."""
import threading

from flask import flash
from sqlalchemy import update

from app.auth.models import Department, UserSession
from app.extensions import db
from app.notifications.models import Notification
from app.pagecache import cached_page
from app.revisions import current
from app.timeutil import utcnow


def _counters(*topics):
    db.session.rollback()  # read what is committed, as the next request would
    return current(topics)


def test_a_committed_write_raises_its_features_counter(app, make_department):
    before = _counters("auth")["auth"]
    make_department(code="LAB")
    assert _counters("auth")["auth"] == before + 1


def test_a_write_that_is_rolled_back_raises_nothing(app):
    before = _counters("auth")["auth"]
    db.session.add(Department(code="GONE", name_zh="撤销部", name_en="Gone"))
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert _counters("auth")["auth"] == before


def test_a_sign_in_time_changes_no_page_but_a_new_name_does(app, make_user):
    user = make_user(name="周工")
    before = _counters("auth")["auth"]
    user.last_login_at = utcnow()
    db.session.commit()
    assert _counters("auth")["auth"] == before
    user.name = "周工程师"
    db.session.commit()
    assert _counters("auth")["auth"] == before + 1


def test_a_notification_changes_only_its_readers_pages(app, make_user):
    reader, other = make_user(), make_user()
    topics = (f"notifications:{reader.id}", f"notifications:{other.id}", "notifications")
    before = _counters(*topics)
    db.session.add(Notification(user_id=reader.id, message="维修已完成"))
    db.session.commit()
    after = _counters(*topics)
    assert after[f"notifications:{reader.id}"] == before[f"notifications:{reader.id}"] + 1
    assert after[f"notifications:{other.id}"] == before[f"notifications:{other.id}"]
    assert after["notifications"] == before["notifications"]


def test_a_bulk_statement_raises_the_tables_counter(app, make_user):
    reader = make_user()
    before = _counters("notifications")["notifications"]
    db.session.execute(update(Notification).where(Notification.user_id == reader.id).values(read_at=utcnow()))
    db.session.commit()
    assert _counters("notifications")["notifications"] == before + 1


def test_a_sign_in_session_raises_nothing(app, make_user):
    user = make_user()
    before = _counters("auth", "notifications")
    db.session.add(UserSession(id="s" * 64, user_id=user.id))
    db.session.commit()
    assert _counters("auth", "notifications") == before


def test_writers_at_the_same_moment_each_raise_the_counter(app):
    """Two requests committing at once: neither increment is lost (on PostgreSQL, the upsert waits
    for the other's row lock; on SQLite, for the other's write)."""
    before = _counters("auth")["auth"]
    start = threading.Barrier(2)
    failures = []

    def write(code):
        with app.app_context():
            try:
                start.wait()
                db.session.add(Department(code=code, name_zh=code, name_en=code))
                db.session.commit()
            except Exception as error:  # reported below; a thread's exception would vanish
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(code,)) for code in ("T1", "T2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert _counters("auth")["auth"] == before + 2


@cached_page("suggestions")
def _page():
    return "the digest"


def _get(app, tag=None, path="/digest", **headers):
    if tag:
        headers["If-None-Match"] = tag
    # A fresh app context, as each real request has: the language is remembered per context.
    with app.app_context(), app.test_request_context(path, headers=headers):
        return app.make_response(_page())


def test_a_repeat_view_is_not_modified_until_what_it_shows_changes(app, make_department):
    first = _get(app)
    assert first.status_code == 200 and first.get_data(as_text=True) == "the digest"
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    repeat = _get(app, tag)
    assert repeat.status_code == 304 and repeat.get_data() == b""
    make_department(code="NEW")  # the layout shows departments
    changed = _get(app, tag)
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_a_page_for_another_language_or_address_has_another_tag(app):
    tag = _get(app, **{"Accept-Language": "zh-CN"}).headers["ETag"]
    assert _get(app, tag, **{"Accept-Language": "zh-CN"}).status_code == 304
    assert _get(app, tag, **{"Accept-Language": "en"}).status_code == 200
    assert _get(app, tag, path="/digest?page=2", **{"Accept-Language": "zh-CN"}).status_code == 200


def test_an_answer_carrying_a_message_is_never_reused(app):
    tag = _get(app).headers["ETag"]
    with app.test_request_context("/digest", headers={"If-None-Match": tag}):
        flash("已保存")
        response = app.make_response(_page())
    assert response.status_code == 200 and "ETag" not in response.headers
