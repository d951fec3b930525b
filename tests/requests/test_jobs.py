"""`requests: auto-confirm`: a done request its requester never answers is confirmed after
REQUESTS_AUTO_CONFIRM_DAYS working days, recorded in its timeline and told to the requester, exactly once
even when two runs overlap (called here without the scheduler's lease)."""
import threading
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification
from app.requests import jobs, services
from app.requests.models import RequestEvent, ServiceRequest
from app.timeutil import office_tz, to_utc, utcnow
from tests.requests.conftest import sign_in

# Monday 2026-11-23 to Friday 2026-11-27 are working days; 2026-11-28 and 29 are a weekend.
CALENDAR = {"CALENDAR_WORKING_HOURS": ["08:30", "17:30"], "CALENDAR_LUNCH_BREAK": ["12:00", "13:00"],
            "REQUESTS_AUTO_CONFIRM_DAYS": 3}


def _utc(text: str) -> datetime:
    return to_utc(datetime.fromisoformat(text).replace(tzinfo=office_tz()))


def _done(request_type, requester, handler, done_at):
    """A request its handler completed at `done_at`, waiting for the requester to confirm or reopen it."""
    item = db.session.get(ServiceRequest, services.file_request(requester, request_type, text="报告", extra=[],
                                                                files=[]).request_id)
    item.status, item.handler_id, item.answered_at, item.done_at = "done", handler.id, done_at, done_at
    item.answer = "sent"
    db.session.commit()
    return item


def _told(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(
        Notification.user_id == user.id, Notification.message.contains("confirmed automatically"))))


def test_a_done_request_is_confirmed_after_three_working_days(app, client, monkeypatch, make_user, make_type,
                                                              make_handler):
    app.config.update(CALENDAR)
    request_type, sales = make_type(), make_user()
    handler = make_handler(request_type.department)
    # Done on Thursday 10:00: three working days of working time end on Tuesday 10:00 (the weekend is no time).
    item = _done(request_type, sales, handler, _utc("2026-11-26 10:00"))
    monkeypatch.setattr(jobs, "utcnow", lambda: _utc("2026-12-01 09:59"))
    assert jobs.auto_confirm() == "0 auto-confirmed"
    monkeypatch.setattr(jobs, "utcnow", lambda: _utc("2026-12-01 10:01"))
    version = item.version
    assert jobs.auto_confirm() == "1 auto-confirmed"
    assert jobs.auto_confirm() == "0 auto-confirmed"
    db.session.refresh(item)
    assert item.status == "confirmed" and item.closed_at is not None and item.version == version + 1
    assert _told(sales) == [f"Request #{item.id} was confirmed automatically after 3 working days without "
                            "an answer."]
    assert len(_told(handler)) == 1
    sign_in(client, sales)
    page = client.get(f"/requests/{item.id}").get_data(True)
    assert "<strong>Confirmed automatically</strong>" in page and "Office Hub (automatic)" in page


def test_the_days_are_configurable_and_an_answered_request_is_left_alone(app, make_user, make_type, make_handler):
    app.config.update(CALENDAR)
    request_type, sales = make_type(), make_user()
    handler = make_handler(request_type.department)
    long_ago = utcnow() - timedelta(days=30)
    reopened = _done(request_type, sales, handler, long_ago)
    reopened.status, reopened.done_at = "in_progress", None
    db.session.commit()
    waiting = _done(request_type, sales, handler, long_ago)
    app.config["REQUESTS_AUTO_CONFIRM_DAYS"] = 60
    assert jobs.auto_confirm() == "0 auto-confirmed"
    app.config["REQUESTS_AUTO_CONFIRM_DAYS"] = 3
    assert jobs.auto_confirm() == "1 auto-confirmed"
    assert db.session.get(ServiceRequest, waiting.id).status == "confirmed"
    assert db.session.get(ServiceRequest, reopened.id).status == "in_progress"


def test_two_overlapping_runs_confirm_each_request_once(app, monkeypatch, make_user, make_type, make_handler):
    app.config.update(CALENDAR)
    request_type, sales = make_type(), make_user()
    handler = make_handler(request_type.department)
    items = [_done(request_type, sales, handler, utcnow() - timedelta(days=20)) for _n in range(3)]
    start, have_read = threading.Barrier(2), threading.Barrier(2, timeout=20)
    real = jobs._candidates

    def read_then_wait(*args):
        found = real(*args)
        have_read.wait()  # both runs have read all three before either claims one
        return found
    monkeypatch.setattr(jobs, "_candidates", read_then_wait)
    results, errors = [], []

    def run():
        with app.app_context():
            start.wait()
            try:
                results.append(jobs.auto_confirm())
            except Exception as exc:  # noqa: BLE001  reported by the assertion below
                errors.append(exc)
    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == ["0 auto-confirmed", "3 auto-confirmed"]
    db.session.expire_all()
    events = db.session.scalars(select(RequestEvent.request_id).where(RequestEvent.kind == "auto_confirmed"))
    assert sorted(events) == [item.id for item in items]
    assert len(_told(sales)) == 3


def test_flask_tick_runs_it(app):
    assert "requests: auto-confirm: 0 auto-confirmed" in app.test_cli_runner().invoke(args=["tick"]).output
