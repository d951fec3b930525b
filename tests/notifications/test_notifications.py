"""notify() reaches people in their own language; the bell counts; reading marks them read."""
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from app.auth.roles import Role
from app.extensions import db
from app.notifications import notify
from app.notifications.models import Notification
from app.repairs.models import WaitReason


def test_each_recipient_reads_the_message_in_their_language(app, make_user):
    zh, en = make_user(locale="zh_CN"), make_user(locale="en")
    sent = notify([zh, en, en], _l("Your password is changed."), link="/")
    assert sent == 2  # duplicates are sent once
    by_user = {n.user_id: n.message for n in db.session.query(Notification)}
    assert by_user == {zh.id: "密码已修改。", en.id: "Your password is changed."}


def test_inactive_users_get_nothing(app, make_user):
    assert notify([make_user(active=False)], "hello") == 0


def test_bell_shows_the_unread_count_and_opening_marks_read(client, login_as):
    user = login_as()
    notify([user], "Repair #12 is done", link="/notifications/")
    bell = client.get("/notifications/bell").get_data(as_text=True)
    assert '<span class="bell-count">1</span>' in bell
    note = db.session.query(Notification).one()
    response = client.post(f"/notifications/{note.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"
    assert note.read_at is not None
    assert "bell-count" not in client.get("/notifications/bell").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(client, login_as, make_user):
    other = make_user()
    notify([other], "private")
    login_as()
    note = db.session.query(Notification).one()
    assert client.post(f"/notifications/{note.id}/open").status_code == 404
    assert note.read_at is None


def test_links_to_other_sites_are_not_followed(client, login_as):
    user = login_as()
    notify([user], "odd link", link="//evil.example/")
    note = db.session.query(Notification).one()
    assert client.post(f"/notifications/{note.id}/open").headers["Location"] == "/notifications/"


def test_mark_all_read_and_list_page(client, login_as):
    user = login_as(Role.OFFICE)
    notify([user], "第一条 🙂")
    notify([user], "<script>alert(1)</script>")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "第一条 🙂" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    client.post("/notifications/read-all")
    assert all(n.read_at for n in db.session.query(Notification))


def test_long_lists_are_paginated(client, login_as):
    user = login_as()
    for n in range(35):
        notify([user], f"message {n:02d}", commit=False)
    db.session.commit()
    first = client.get("/notifications/").get_data(as_text=True)
    assert "message 34" in first and "message 00" not in first and "Page 1 of 2" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "message 00" in second and "Previous" in second


def test_a_translated_argument_and_a_plural_follow_the_readers_language(client, login_as):
    user = login_as(locale="zh_CN")
    # A row from before arguments were kept by key still renders as it did.
    db.session.add(Notification(user_id=user.id, message="维修单 #6 等待中：等待配件。", link="/",
                                message_id="Repair request #%(id)d is waiting: %(reason)s.",
                                message_args={"id": 6, "reason": "等待配件"}))
    with force_locale("zh_CN"):  # written while the sender (and the reader) used Chinese
        notify([user], _l("Repair request #%(id)d is waiting: %(reason)s.", id=7, reason=WaitReason.PARTS.label))
        notify([user], _ln("Signed out on %(num)d other device.", "Signed out on %(num)d other devices.", 3))
    assert "等待配件" in client.get("/notifications/").get_data(as_text=True)
    user.locale = "en"
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Repair request #7 is waiting: Waiting for parts." in page
    assert "Signed out on 3 other devices." in page
    assert "Repair request #6 is waiting: 等待配件." in page

