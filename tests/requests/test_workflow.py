"""The request's way: a handler takes, answers, asks (the clock pauses), hands over, completes; the requester
replies, confirms or reopens; who sees what."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.roles import Role
from app.calendar.clock import after_working_days
from app.extensions import db
from app.notifications.models import Notification
from app.requests import services
from app.requests.models import ServiceRequest
from app.timeutil import utcnow
from tests.requests.conftest import sign_in


def _file(user, request_type, text="需要检测报告"):
    filed = services.file_request(user, request_type, text=text, extra=[], files=[])
    return db.session.get(ServiceRequest, filed.request_id)


def _act(client, item, action, **data):
    db.session.refresh(item)
    return client.post(f"/requests/{item.id}/act/{action}", data={"version": item.version, **data})


def test_quality_answers_within_the_working_day_clock(client, make_user, make_type, make_handler):
    request_type = make_type(answer_days=1, complete_days=3)
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    assert item.answer_due == after_working_days(item.created_at, 1)
    sign_in(client, handler)
    inbox = client.get("/requests/inbox").get_data(True)
    assert f"#{item.id}" in inbox
    assert _act(client, item, "take").status_code == 303
    assert _act(client, item, "complete", note="报告已发到您的邮箱 Sent by mail").status_code == 303
    db.session.refresh(item)
    assert item.status == "done" and item.answered_at <= item.answer_due
    assert item.answer.startswith("报告已发到")
    sign_in(client, sales)
    assert _act(client, item, "confirm").status_code == 303
    db.session.refresh(item)
    assert item.status == "confirmed" and item.closed_at is not None


def test_asking_the_requester_pauses_the_completion_clock(client, make_user, make_type, make_handler):
    request_type = make_type(complete_days=3)
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, handler)
    _act(client, item, "take")
    _act(client, item, "ask", note="Which batch?")
    db.session.refresh(item)
    assert item.status == "waiting" and item.answered_at is not None
    due_before = item.complete_due
    # The requester takes three days to answer.
    item.waiting_since = item.waiting_since - timedelta(days=3)
    db.session.commit()
    assert db.session.scalar(select(Notification).where(Notification.user_id == sales.id,
                                                        Notification.message.contains("Which batch?")))
    sign_in(client, sales)
    assert _act(client, item, "reply", note="Batch 2026-11").status_code == 303
    db.session.refresh(item)
    assert item.status == "in_progress" and item.waiting_since is None
    assert item.complete_due > due_before


def test_a_hand_over_moves_the_request_and_the_office_sees_it(client, make_user, make_type, make_handler,
                                                             make_department):
    request_type = make_type()
    quality, purchasing = request_type.department, make_department(code="PUR", name_zh="采购部",
                                                                          name_en="Purchasing")
    handler, buyer, sales = make_handler(quality), make_handler(purchasing), make_user()
    office = make_user(Role.OFFICE)
    item = _file(sales, request_type)
    sign_in(client, handler)
    refused = _act(client, item, "hand_over", note="")
    assert refused.status_code == 422
    assert _act(client, item, "hand_over", note="This is a purchase question",
                department_id=purchasing.id).status_code == 303
    db.session.refresh(item)
    assert item.department_id == purchasing.id and item.status == "submitted"
    assert client.get(f"/requests/{item.id}").status_code == 404  # no longer quality's
    sign_in(client, buyer)
    assert f"#{item.id}" in client.get("/requests/inbox").get_data(True)
    sign_in(client, office)
    # The hand-overs list names both departments in the reader's language and who handed it over.
    for language, line in (("en", f"Testing → Purchasing · {handler.name} · "),
                           ("zh_CN", f"测试部 → 采购部 · {handler.name} · ")):
        office.locale = language
        db.session.commit()
        page = client.get("/requests/office").get_data(True)
        assert line in page and ": This is a purchase question</p>" in page, language
    assert db.session.scalar(select(Notification).where(Notification.user_id == office.id))


def test_a_refused_step_keeps_what_was_typed_with_the_error_on_its_field(client, make_user, make_type,
                                                                        make_handler, make_department):
    request_type = make_type()
    make_department(code="PUR", name_en="Purchasing")
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, handler)
    # A reason, but no department to hand it over to.
    response = _act(client, item, "hand_over", note="这是采购的问题 a purchase question", department_id="")
    page = response.get_data(True)
    assert response.status_code == 422
    assert '<small class="field-error" id="department_id-error">Choose the department that should answer ' \
           'instead.</small>' in page
    assert 'id="note-hand_over" name="note"' in page and ">这是采购的问题 a purchase question</textarea>" in page
    # No browser limit cuts a pasted text: the counter's data-maxlength instead of maxlength.
    assert 'data-maxlength="2000"' in page and "maxlength=" not in page.replace("data-maxlength=", "")
    _act(client, item, "take")
    # Completing with a note too long: kept whole, told by how much to shorten it.
    response = _act(client, item, "complete", note="长" * 2005)
    page = response.get_data(True)
    assert response.status_code == 422
    assert 'id="note-complete-error">This is 5 characters too long: shorten it to at most 2000.' in page
    assert "长" * 2005 + "</textarea>" in page
    response = _act(client, item, "complete", note="  ")
    assert 'id="note-complete-error">Write a few words: the answer, the question, or why.' in response.get_data(True)
    db.session.refresh(item)
    assert item.status == "in_progress" and item.department_id == request_type.department_id


def test_a_reopened_request_goes_back_to_its_handler(client, make_user, make_type, make_handler):
    request_type = make_type()
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, handler)
    _act(client, item, "take")
    _act(client, item, "complete", note="done")
    sign_in(client, sales)
    assert _act(client, item, "reopen", note="The report is for the wrong model").status_code == 303
    db.session.refresh(item)
    assert item.status == "in_progress" and item.done_at is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == handler.id,
                                                        Notification.message.contains("wrong model")))


def test_a_stale_click_is_refused_with_the_current_state(client, make_user, make_type, make_handler):
    request_type = make_type()
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, handler)
    old_version = item.version
    _act(client, item, "take")
    response = client.post(f"/requests/{item.id}/act/take", data={"version": old_version})
    assert response.status_code == 409 and "Someone else updated this request" in response.get_data(True)


def test_who_sees_a_request(client, make_user, make_type, make_handler, make_department):
    request_type = make_type()
    sales, stranger = make_user(), make_user()
    other_handler = make_handler(make_department())
    item = _file(sales, request_type)
    for person, status in ((stranger, 404), (other_handler, 404), (sales, 200), (make_user(Role.OFFICE), 200)):
        sign_in(client, person)
        assert client.get(f"/requests/{item.id}").status_code == status
    sign_in(client, stranger)
    assert client.get("/requests/inbox").status_code == 403


def test_overdue_requests_come_first_in_the_inbox(client, make_user, make_type, make_handler):
    request_type = make_type()
    handler, sales = make_handler(request_type.department), make_user()
    fresh = _file(sales, request_type, text="fresh one")
    late = _file(sales, request_type, text="late one")
    late.answer_due = late.complete_due = utcnow() - timedelta(hours=2)
    db.session.commit()
    sign_in(client, handler)
    page = client.get("/requests/inbox").get_data(True)
    assert page.index("late one") < page.index("fresh one")
    assert fresh.is_overdue(utcnow()) is False


def test_the_requester_cancels_a_request_nobody_has_taken(client, make_user, make_type, make_handler):
    request_type = make_type()
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, sales)
    assert "Cancel request" in client.get(f"/requests/{item.id}").get_data(True)
    assert _act(client, item, "cancel").status_code == 303
    db.session.refresh(item)
    assert item.status == "cancelled" and item.closed_at is not None
    sign_in(client, handler)
    assert f"#{item.id}" not in client.get("/requests/inbox").get_data(True)
    assert db.session.scalar(select(Notification).where(Notification.user_id == handler.id,
                                                        Notification.message.contains("was cancelled")))


def test_a_taken_request_can_no_longer_be_cancelled(client, make_user, make_type, make_handler):
    request_type = make_type()
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, handler)
    _act(client, item, "take")
    sign_in(client, sales)
    assert "Cancel request" not in client.get(f"/requests/{item.id}").get_data(True)
    assert _act(client, item, "cancel").status_code == 422
    db.session.refresh(item)
    assert item.status == "in_progress"


def test_an_answer_on_the_way_stops_the_answer_clock_and_keeps_the_request_open(client, make_user, make_type,
                                                                                make_handler):
    request_type = make_type()
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    sign_in(client, handler)
    _act(client, item, "take")
    assert _act(client, item, "answer", note="样品下周到 The samples arrive next week").status_code == 303
    db.session.refresh(item)
    assert item.status == "in_progress" and item.answered_at is not None and item.done_at is None
    assert item.answer == ""  # the last word comes with completion
    assert db.session.scalar(select(Notification).where(Notification.user_id == sales.id,
                                                        Notification.message.contains("samples arrive")))
    page = client.get(f"/requests/{item.id}").get_data(True)
    assert "Complete with an answer" in page and "The samples arrive next week" in page
