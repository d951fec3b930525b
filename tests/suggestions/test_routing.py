"""Suggestions routed to whoever must act: the office hands a canteen complaint to logistics with an internal
deadline in working days, logistics' handlers see it and draft the answer, the office publishes it, and the
author and everyone who said "me too" hear it from the office. The department never sees who wrote it."""
import csv
import io
from datetime import timedelta

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.roles import Role
from app.calendar.clock import after_working_days
from app.extensions import db
from app.notifications.models import Notification
from app.requests.models import RequestHandler
from app.suggestions import routing
from app.suggestions.models import MeToo, Routing
from app.timeutil import utcnow
from tests.requests.conftest import sign_in


def _handler(make_user, department, **kwargs):
    user = make_user(department=department, **kwargs)
    db.session.add(RequestHandler(department_id=department.id, user_id=user.id))
    db.session.commit()
    return user


def _messages(user) -> list[str]:
    return [n.message for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def _setup(make_user, make_department, make_suggestion, author=None):
    logistics = make_department(code="LOG", name_zh="后勤部", name_en="Logistics")
    handler = _handler(make_user, logistics, name="后勤联络员")
    office = make_user(Role.OFFICE, name="王主任")
    suggestion = make_suggestion(author, title="食堂晚餐太早结束", details="七点就关门了。")
    return logistics, handler, office, suggestion


def test_a_canteen_suggestion_goes_to_logistics_is_drafted_published_and_heard(
        client, make_user, make_department, make_suggestion):
    author, supporter = make_user(name="提建议的人"), make_user()
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion, author)
    suggestion.on_board = True
    db.session.add(MeToo(suggestion_id=suggestion.id, user_id=supporter.id))
    db.session.commit()

    sign_in(client, office)
    response = client.post(f"/suggestions/{suggestion.id}/route",
                           data={"department_id": logistics.id, "working_days": "2"})
    assert response.status_code == 303
    given = db.session.get(Routing, suggestion.id)
    assert given.department_id == logistics.id
    assert given.due_at == after_working_days(given.routed_at, 2)
    assert any("draft the answer" in m for m in _messages(handler))
    assert "Routed to Logistics" in client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)

    sign_in(client, handler)
    listing = client.get("/suggestions/routed").get_data(as_text=True)
    assert "食堂晚餐太早结束" in listing and "Draft due on" in listing
    page = client.get(f"/suggestions/{suggestion.id}").status_code
    assert page == 404  # the office's page stays the office's
    response = client.post(f"/suggestions/routed/{suggestion.id}/draft", data={
        "status_to": "deferred", "body": "需要和承包商谈", "plan": "下月起延长到八点",
        "target_date": (utcnow() + timedelta(days=30)).date().isoformat(), "version": suggestion.version})
    assert response.status_code == 303
    assert any("drafted an answer" in m for m in _messages(office))
    assert not any("answered" in m for m in _messages(author))  # a draft is not an answer

    sign_in(client, office)
    db.session.expire_all()
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "需要和承包商谈" in page and "draft, not yet published" in page
    response = client.post(f"/suggestions/{suggestion.id}/draft/publish", data={"version": suggestion.version})
    assert response.status_code == 303
    db.session.expire_all()
    assert any("The office answered your suggestion" in m for m in _messages(author))
    assert any("A suggestion you supported" in m for m in _messages(supporter))
    sign_in(client, author)
    own = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "下月起延长到八点" in own and "后勤联络员" not in own


def test_the_department_never_sees_the_author(client, make_user, make_department, make_suggestion):
    author = make_user(name="张三丰", department=make_department(code="RDX", name_en="Secret Lab"))
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion, author)
    routing.route(suggestion, office, logistics, 3)
    sign_in(client, handler)
    for path in ("/suggestions/routed", f"/suggestions/routed/{suggestion.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "食堂晚餐太早结束" in page
        assert "张三丰" not in page and author.login not in page and "Secret Lab" not in page


def test_only_the_departments_handlers_see_it(client, make_user, make_department, make_suggestion):
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion)
    routing.route(suggestion, office, logistics, 3)
    other = _handler(make_user, make_department(code="HR"))
    sign_in(client, other)
    assert client.get(f"/suggestions/routed/{suggestion.id}").status_code == 404
    assert "食堂" not in client.get("/suggestions/routed").get_data(as_text=True)
    sign_in(client, make_user())
    assert client.get("/suggestions/routed").status_code == 403


def test_routing_needs_a_department_with_handlers_and_an_open_suggestion(
        client, make_user, make_department, make_suggestion, publish):
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion)
    empty = make_department(code="FIN", name_en="Finance")
    sign_in(client, office)
    response = client.post(f"/suggestions/{suggestion.id}/route", data={"department_id": empty.id,
                                                                        "working_days": "3"})
    assert response.status_code == 422 and "no handlers yet" in response.get_data(as_text=True)
    response = client.post(f"/suggestions/{suggestion.id}/route", data={"department_id": logistics.id,
                                                                        "working_days": "99"})
    assert response.status_code == 422 and 'value="99"' in response.get_data(as_text=True)
    publish(suggestion, "resolved", "已解决")
    response = client.post(f"/suggestions/{suggestion.id}/route", data={"department_id": logistics.id,
                                                                        "working_days": "3"})
    assert response.status_code == 422
    assert db.session.get(Routing, suggestion.id) is None


def test_a_bad_draft_keeps_the_text_and_says_why(client, make_user, make_department, make_suggestion):
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion)
    routing.route(suggestion, office, logistics, 3)
    sign_in(client, handler)
    db.session.refresh(suggestion)
    response = client.post(f"/suggestions/routed/{suggestion.id}/draft", data={
        "status_to": "deferred", "body": "要等预算 budget first", "version": suggestion.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A deferred suggestion needs a plan." in page and "要等预算 budget first" in page


def test_an_overdue_routing_is_flagged_for_the_department(client, make_user, make_department, make_suggestion):
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion)
    given = routing.route(suggestion, office, logistics, 1)
    given.due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    sign_in(client, handler)
    with force_locale("en"):
        assert "Overdue: the draft was due on" in client.get("/suggestions/routed").get_data(as_text=True)


def test_the_digest_lists_what_was_received_or_answered_that_week_with_its_answer(
        client, make_user, make_suggestion, publish):
    office = make_user(Role.OFFICE)
    old = make_suggestion(None, title="上月的建议 old one", days_ago=40)
    publish(old, "deferred", "预算要等下季度", plan="第一季度采购", target_date=utcnow().date() + timedelta(days=60))
    late = make_suggestion(None, title="没人回答的 unanswered", days_ago=0)
    late.answer_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    sign_in(client, office)
    page = client.get("/suggestions/digest").get_data(as_text=True)
    assert "上月的建议 old one" in page and "预算要等下季度" in page and "第一季度采购" in page
    assert "没人回答的 unanswered" in page and "Overdue" in page
    rows = list(csv.reader(io.StringIO(client.get("/suggestions/digest.csv").data.decode("utf-8-sig"))))
    [answered] = [r for r in rows if "上月的建议 old one" in r]
    assert answered[6:9] == ["预算要等下季度", "第一季度采购", (utcnow().date() + timedelta(days=60)).isoformat()]
    [unanswered] = [r for r in rows if "没人回答的 unanswered" in r]
    assert unanswered[-1] == "Overdue"
    book = load_workbook(io.BytesIO(client.get("/suggestions/digest.xlsx").data))
    assert "第一季度采购" in [c for row in book.active.iter_rows(values_only=True) for c in row]
    printed = client.get("/suggestions/digest/print").get_data(as_text=True)
    assert "预算要等下季度" in printed and "Overdue" in printed


def test_the_handlers_home_card_counts_what_waits_for_the_draft_and_links_to_the_list(
        client, make_user, make_department, make_suggestion):
    logistics, handler, office, suggestion = _setup(make_user, make_department, make_suggestion)
    late = make_suggestion(None, title="路灯坏了")
    bystander = make_user(name="不处理的人")
    sign_in(client, handler)
    assert "Suggestions for your department" not in client.get("/").get_data(as_text=True)  # nothing routed yet

    routing.route(suggestion, office, logistics, working_days=2)
    routing.route(late, office, logistics, working_days=1)
    db.session.get(Routing, late.id).due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert routing.waiting_for(handler, utcnow()) == (2, 1)
    home = client.get("/").get_data(as_text=True)
    assert "2 suggestions wait for your department's draft answer" in home and "1 overdue" in home
    assert 'href="/suggestions/routed"' in home

    drafted = client.post(f"/suggestions/routed/{late.id}/draft", data={
        "status_to": "resolved", "body": "本周修好", "version": late.version})
    assert drafted.status_code == 303, drafted.get_data(as_text=True)[-3000:]
    home = client.get("/").get_data(as_text=True)
    assert "1 suggestion waits for your department's draft answer" in home and "overdue" not in home
    sign_in(client, bystander)
    assert "Suggestions for your department" not in client.get("/").get_data(as_text=True)
