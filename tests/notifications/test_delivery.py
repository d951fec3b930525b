"""Messages leave the app: e-mail to a real SMTP server in the test process, WeCom and DingTalk pushes
to a local HTTP server that answers as their APIs document. Every message arrives once."""
import threading
import time
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.notifications import Kind, notify
from app.notifications.models import Delivery, Notification, Preference
from app.notifications.outbox import deliver_pending
from app.timeutil import utcnow
from tests.htmlcheck import html_problems


def _person(make_user, locale="en", **contact):
    user = make_user(locale=locale)
    for key, value in contact.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def _drain(rounds=20):
    """Run the sender until nothing is due (retries are made due at once)."""
    for _ in range(rounds):
        db.session.execute(update(Delivery).where(Delivery.state == "retrying").values(next_attempt_at=utcnow()))
        db.session.commit()
        deliver_pending()
        if not db.session.scalar(select(Delivery.id).where(Delivery.state.in_(("pending", "retrying")))):
            return


def test_mail_arrives_in_each_language_with_the_link(app, make_user, smtp):
    zh = _person(make_user, "zh_CN", email="zhang@office.test")
    en = _person(make_user, "en", email="smith@office.test")
    notify([zh, en], _l("Your password is changed."), link="/notifications/")
    assert deliver_pending() == "2 delivered"
    mails = {m["To"]: m for m in smtp.messages}
    chinese, english = mails["zhang@office.test"], mails["smith@office.test"]
    assert "办公室服务台" in chinese["Subject"]
    assert "密码已修改。" in chinese.get_body(("plain",)).get_content()
    english_text = english.get_body(("plain",)).get_content()
    assert "Your password is changed." in english_text
    assert "https://hub.office.test/notifications/" in english_text
    assert 'href="https://hub.office.test/notifications/"' in english.get_body(("html",)).get_content()
    assert {d.state for d in db.session.scalars(select(Delivery))} == {"sent"}


def test_meeting_notice_mail_carries_a_calendar_file(app, make_user, smtp):
    liaison = _person(make_user, email="liaison@office.test")
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Weekly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    notify([liaison], "Meeting created", link="/meetings/1", kind=Kind.MEETING_NOTICE, attachment=ics)
    deliver_pending()
    (mail,) = smtp.messages
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "meeting.ics"
    assert "SUMMARY:Weekly" in attachment.get_content()


def test_wecom_text_card_with_link_and_cached_token(app, make_user, vendor):
    tech = _person(make_user, wecom_userid="LiLei")
    notify([tech], "Emergency repair #7", link="/repairs/7", kind=Kind.REPAIR_URGENT)
    notify([tech], "Emergency repair #8", link="/repairs/8", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    assert vendor.tokens_issued == 1  # the token is cached between messages
    cards = [body for path, body in vendor.received if path == "/cgi-bin/message/send"]
    assert [c["textcard"]["description"] for c in cards] == ["Emergency repair #7", "Emergency repair #8"]
    assert cards[0]["touser"] == "LiLei" and cards[0]["agentid"] == 1000002
    assert cards[0]["textcard"]["url"] == "https://hub.office.test/repairs/7"


def test_expired_token_is_renewed_and_the_message_sent_once(app, make_user, vendor):
    tech = _person(make_user, wecom_userid="LiLei", dingtalk_userid="dt-li")
    notify([tech], "first", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    vendor.expire_next = True
    notify([tech], "second", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    texts = [b.get("textcard", {}).get("description") or b["msg"]["action_card"]["markdown"]
             for _, b in vendor.received]
    assert sorted(texts) == ["first", "first", "second", "second"]
    assert {d.state for d in db.session.scalars(select(Delivery))} == {"sent"}


def test_dingtalk_action_card(app, make_user, vendor):
    host = _person(make_user, dingtalk_userid="dt-wang")
    notify([host], "Your visitor has arrived", link="/visits/3", kind=Kind.VISITOR_ARRIVAL)
    deliver_pending()
    ((path, body),) = vendor.received
    assert path == "/topapi/message/corpconversation/asyncsend_v2"
    assert body["userid_list"] == "dt-wang" and body["agent_id"] == 42
    assert body["msg"]["action_card"]["single_url"] == "https://hub.office.test/visits/3"


def test_an_outage_loses_nothing_and_sends_nothing_twice(app, make_user, smtp, vendor):
    people = [_person(make_user, email=f"p{i}@office.test", wecom_userid=f"w{i}") for i in range(3)]
    vendor.down, smtp.refuse = 4, 2
    for i, person in enumerate(people):
        notify([person], f"urgent {i}", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    states = {d.state for d in db.session.scalars(select(Delivery))}
    assert "retrying" in states and "failed" not in states
    retrying = db.session.scalar(select(Delivery).where(Delivery.state == "retrying"))
    assert retrying.next_attempt_at > utcnow() and retrying.last_error  # waits, and says why
    _drain()
    pushed = sorted(b["textcard"]["description"] for _, b in vendor.received)
    mailed = sorted(m.get_body(("plain",)).get_content().splitlines()[0] for m in smtp.messages)
    assert pushed == mailed == ["urgent 0", "urgent 1", "urgent 2"]
    assert {d.state for d in db.session.scalars(select(Delivery))} == {"sent"}


def test_temporary_errors_are_retried_for_hours_then_end_failed_with_the_reason(app, make_user, vendor):
    vendor.down = 1000
    notify([_person(make_user, wecom_userid="w1")], "long outage", kind=Kind.REPAIR_URGENT)
    _drain(rounds=15)  # more attempts than a fixed count allowed: an outage of an afternoon loses nothing
    delivery = db.session.scalar(select(Delivery))
    assert delivery.state == "retrying" and delivery.attempts == 15
    db.session.execute(update(Delivery).values(created_at=utcnow() - timedelta(hours=73)))  # default: 72 h
    db.session.commit()
    _drain(rounds=1)
    db.session.refresh(delivery)
    assert delivery.state == "failed" and delivery.attempts == 16 and "503" in delivery.last_error


def test_admin_queues_a_channels_failed_deliveries_again_once(app, client, login_as, make_user, smtp, vendor):
    from app.auth.roles import Role
    login_as(Role.ADMIN)
    people = [_person(make_user, email=f"p{i}@office.test", wecom_userid=f"w{i}") for i in range(2)]
    notify(people, "sent while WeCom was down", kind=Kind.REPAIR_URGENT)
    db.session.execute(update(Delivery).values(state="failed", attempts=40, last_error="503 Service Unavailable"))
    db.session.commit()
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert "Retry 2 failed WeCom deliveries" in page and "Retry 2 failed E-mail deliveries" in page
    assert html_problems(page) == []  # the channel choice, the retry buttons: valid, no repeated id
    assert client.post("/admin/deliveries/retry", data={"channel": "wecom"}).status_code == 303
    again = client.post("/admin/deliveries/retry", data={"channel": "wecom"}, follow_redirects=True)
    assert "0 failed deliveries are queued again." in again.get_data(as_text=True)  # a double tap: nothing more
    assert client.post("/admin/deliveries/retry", data={"channel": "fax"}).status_code == 404
    deliver_pending()
    assert sorted(b["touser"] for _, b in vendor.received) == ["w0", "w1"]  # each once
    states = {(d.channel, d.state) for d in db.session.scalars(select(Delivery))}
    assert states == {("wecom", "sent"), ("email", "failed")}  # only the chosen channel was queued again
    assert not smtp.messages



def test_a_wecom_user_that_does_not_exist_fails_at_once(app, make_user, vendor):
    vendor.unknown_users = {"left-the-company"}
    notify([_person(make_user, wecom_userid="left-the-company")], "hello", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    delivery = db.session.scalar(select(Delivery))
    assert delivery.state == "failed" and delivery.attempts == 1 and "81013" in delivery.last_error

def test_two_senders_at_once_send_each_message_once(app, make_user, smtp):
    people = [_person(make_user, email=f"p{i}@office.test") for i in range(12)]
    for i, person in enumerate(people):
        notify([person], f"note {i}")
    db.session.remove()
    start = threading.Barrier(2)

    def sender():
        with app.app_context():
            start.wait()
            deliver_pending()
            db.session.remove()
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    bodies = sorted(m.get_body(("plain",)).get_content().splitlines()[0] for m in smtp.messages)
    assert bodies == sorted(f"note {i}" for i in range(12))
    assert all(d.attempts == 1 for d in db.session.scalars(select(Delivery)))


def test_delivery_does_not_hold_up_the_request(app, make_user, vendor):
    app.config["NOTIFY_SEND_AT_ONCE"] = True
    vendor.delay = 1.5
    tech = _person(make_user, wecom_userid="LiLei")
    began = time.monotonic()
    with app.test_request_context("/repairs/new", method="POST"):
        notify([tech], "night emergency", kind=Kind.REPAIR_URGENT)  # commits: the background sender starts
    assert time.monotonic() - began < 1.0
    deadline = time.monotonic() + 10
    while not vendor.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [b["textcard"]["description"] for _, b in vendor.received] == ["night emergency"]


def test_quiet_hours_hold_back_all_but_emergencies(app, make_user, vendor):
    now_local = (utcnow() + timedelta(hours=8)).strftime("%H:%M")  # the office is on Asia/Shanghai
    later = (utcnow() + timedelta(hours=10)).strftime("%H:%M")
    sleeper = _person(make_user, wecom_userid="sleeper", email="s@office.test", quiet_start=now_local,
                      quiet_end=later)
    db.session.add(Preference(user_id=sleeper.id, kind=Kind.GENERAL, channels="wecom"))
    db.session.commit()
    notify([sleeper], "can wait")
    notify([sleeper], "pipe burst", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    assert [b["textcard"]["description"] for _, b in vendor.received] == ["pipe burst"]
    waiting = db.session.scalar(select(Delivery).where(Delivery.state == "pending"))
    assert waiting.next_attempt_at > utcnow() + timedelta(hours=1)


def test_preferences_choose_channels_and_defaults_are_sensible(app, make_user, smtp, vendor):
    person = _person(make_user, email="a@office.test", wecom_userid="w", dingtalk_userid="d")
    db.session.add(Preference(user_id=person.id, kind=Kind.MINUTES, channels=""))
    db.session.commit()
    notify([person], "minutes", kind=Kind.MINUTES)         # chose: nothing outside the app
    notify([person], "digest", kind=Kind.WEEKLY_DIGEST)    # default: e-mail only
    notify([person], "visitor", kind=Kind.VISITOR_ARRIVAL)  # default: pushes too
    channels = sorted((d.notification.message, d.channel) for d in db.session.scalars(select(Delivery)))
    assert channels == [("digest", "email"), ("visitor", "dingtalk"), ("visitor", "email"), ("visitor", "wecom")]
    assert db.session.query(Notification).count() == 3  # the bell still has all three


def test_no_channel_configured_means_no_delivery_rows(app, make_user):
    notify([_person(make_user, email="a@office.test")], "hello")
    assert db.session.query(Delivery).count() == 0


def test_the_bell_speaks_the_readers_current_language(client, login_as):
    user = login_as(locale="zh_CN")
    notify([user], _l("Your password is changed."), link="/")
    user.locale = "en"
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Your password is changed." in page


def test_healthz_reports_a_channel_failing_for_a_while(app, client, make_user, vendor):
    vendor.down = 100
    notify([_person(make_user, wecom_userid="w1")], "stuck", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    assert client.get("/healthz").get_json()["channels_failing"] == []  # just now: not yet "a while"
    db.session.execute(update(Delivery).values(created_at=utcnow() - timedelta(minutes=30)))
    db.session.commit()
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json()["channels_failing"] == ["wecom"]
    vendor.down = 0
    _drain()
    assert client.get("/healthz").get_json()["channels_failing"] == []



def test_healthz_an_old_failure_does_not_hide_a_new_outage(app, client, make_user, vendor):
    person = _person(make_user, wecom_userid="w1")
    notify([person], "bad address long ago", kind=Kind.REPAIR_URGENT)
    notify([person], "sent yesterday", kind=Kind.REPAIR_URGENT)
    failed, sent = db.session.scalars(select(Delivery).order_by(Delivery.id))
    failed.state, failed.last_error = "failed", "81013 user invalid"
    failed.created_at = utcnow() - timedelta(days=3)
    sent.state, sent.created_at = "sent", utcnow() - timedelta(days=1)
    sent.sent_at = sent.created_at
    db.session.commit()
    assert client.get("/healthz").get_json()["channels_failing"] == []  # a bad address is no outage
    vendor.down = 100
    notify([person], "the channel goes down now", kind=Kind.REPAIR_URGENT)
    deliver_pending()
    db.session.execute(update(Delivery).where(Delivery.state == "retrying")
                       .values(created_at=utcnow() - timedelta(minutes=30)))
    db.session.commit()
    assert client.get("/healthz").get_json()["channels_failing"] == ["wecom"]

def test_admin_sees_deliveries_and_sends_a_test_message(app, client, login_as, make_user, smtp):
    from app.auth.roles import Role
    login_as(Role.ADMIN)
    target = _person(make_user, email="t@office.test", login="tester")
    response = client.post("/admin/deliveries/test", data={"login": "nobody", "channel": "email"})
    assert response.status_code == 422 and "No active user has this login name." in response.get_data(as_text=True)
    assert client.post("/admin/deliveries/test", data={"login": "tester", "channel": "email"}).status_code == 303
    deliver_pending()
    assert "This is a test message from Office Hub." in smtp.messages[0].get_body(("plain",)).get_content()
    page = client.get("/admin/deliveries?channel=email").get_data(as_text=True)
    assert target.name in page and "t@office.test" in page and "Sent" in page



def test_admin_test_message_goes_by_the_chosen_channel_whatever_the_user_chose(
        app, client, login_as, make_user, smtp, vendor):
    from app.auth.roles import Role
    login_as(Role.ADMIN)
    now_local = (utcnow() + timedelta(hours=8)).strftime("%H:%M")  # in their quiet hours, and they want
    later = (utcnow() + timedelta(hours=10)).strftime("%H:%M")     # nothing outside the app for "other"
    target = _person(make_user, login="wecom-only", wecom_userid="LiLei", quiet_start=now_local, quiet_end=later)
    db.session.add(Preference(user_id=target.id, kind=Kind.GENERAL, channels=""))
    db.session.commit()
    form = client.get("/admin/deliveries").get_data(as_text=True)
    assert 'value="email"' in form and 'value="wecom"' in form and 'value="dingtalk"' in form
    refused = client.post("/admin/deliveries/test", data={"login": "wecom-only", "channel": "email"})
    assert refused.status_code == 422
    assert f"{target.name} has no e-mail address yet" in refused.get_data(as_text=True)
    sent = client.post("/admin/deliveries/test", data={"login": "wecom-only", "channel": "wecom"})
    assert sent.status_code == 303
    deliver_pending()
    cards = [b["textcard"] for _, b in vendor.received]
    assert [c["description"] for c in cards] == ["This is a test message from Office Hub."]
    assert not smtp.messages and db.session.query(Delivery).count() == 1

def test_own_settings_page_saves_addresses_channels_and_quiet_hours(app, client, login_as, smtp):
    user = login_as()
    page = client.get("/notifications/settings")
    assert page.status_code == 200 and "Quiet hours" in page.get_data(as_text=True)
    bad = client.post("/notifications/settings", data={"email": "not-an-address", "quiet_start": "22:00"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Enter an e-mail address" in text and "not-an-address" in text
    good = client.post("/notifications/settings", data={
        "email": "me@office.test", "quiet_start": "22:00", "quiet_end": "07:00",
        "kind_minutes": ["email"], "kind_general": []})
    assert good.status_code == 303
    assert (user.email, user.quiet_start, user.quiet_end) == ("me@office.test", "22:00", "07:00")
    prefs = {p.kind: p.channels for p in db.session.scalars(select(Preference).where(Preference.user_id == user.id))}
    assert prefs["minutes"] == "email" and prefs["general"] == ""


def test_quiet_hours_need_both_ends(app, client, login_as):
    login_as()
    response = client.post("/notifications/settings", data={"quiet_start": "22:00"})
    assert response.status_code == 422
    assert "Give both the start and the end of the quiet hours" in response.get_data(as_text=True)


def test_without_the_public_address_deliveries_warn_on_the_page_and_at_startup(
        app, client, login_as, smtp, caplog):
    from app import create_app
    from app.auth.roles import Role
    from app.config import TestConfig
    login_as(Role.ADMIN)
    assert "OFFICEHUB_BASE_URL) is not set" not in client.get("/admin/deliveries").get_data(as_text=True)
    app.config["BASE_URL"] = ""
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert "OFFICEHUB_BASE_URL) is not set, so the links in messages point at http://localhost" in page
    config = TestConfig()
    config.MAIL_URL, config.MAIL_FROM = "smtp://127.0.0.1:2525", "hub@office.test"
    with caplog.at_level("WARNING"):
        create_app(config)
    assert [r.getMessage() for r in caplog.records if "OFFICEHUB_BASE_URL" in r.getMessage()] == [
        "OFFICEHUB_BASE_URL is not set: links in messages sent by email point at http://localhost"]
    caplog.clear()
    config.BASE_URL = "https://hub.office.test"
    with caplog.at_level("WARNING"):
        create_app(config)
    assert not [r for r in caplog.records if "OFFICEHUB_BASE_URL" in r.getMessage()]
