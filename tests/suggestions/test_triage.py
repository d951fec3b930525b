"""The office triages: filters, overdue, answers (now or drafted), status rules, history, merging,
internal notes, templates, and a losing concurrent writer."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.calendar import services as calendar
from app.calendar.models import CLOSED
from app.extensions import db
from app.notifications.models import Notification
from app.suggestions import answers, services
from app.suggestions.models import Answer, AnswerTemplate, Event, Suggestion
from app.timeutil import day_bounds, today
from tests import PARTIAL
from tests.conftest import PASSWORD


def _notifications(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message)
                                .where(Notification.user_id == user.id).order_by(Notification.id)))


def _latest_notification(user) -> Notification:
    return db.session.scalar(select(Notification).where(Notification.user_id == user.id)
                             .order_by(Notification.id.desc()).limit(1))


def _sign_in(client, user) -> None:
    client.post("/logout")
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303


def test_triage_lists_with_authors_and_filters_in_place(client, login_as, make_suggestion, make_user, categories):
    author = make_user(name="刘工")
    make_suggestion(author, title="空调太冷", category=categories[3])
    make_suggestion(None, title="食堂太咸", category=categories[1])
    login_as(Role.OFFICE)
    page = client.get("/suggestions/triage").get_data(as_text=True)
    assert "空调太冷" in page and "刘工" in page and "食堂太咸" in page and "<nav" in page
    fragment = client.get(f"/suggestions/triage?category={categories[1].id}",
                          headers=PARTIAL)
    text = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert 'id="suggestion-rows"' in text and "<nav class=\"container" not in text
    assert "食堂太咸" in text and "空调太冷" not in text
    assert "空调太冷" in client.get("/suggestions/triage?q=空调").get_data(as_text=True)
    assert "空调太冷" not in client.get("/suggestions/triage?source=paper").get_data(as_text=True)
    assert "空调太冷" not in client.get("/suggestions/triage?status=resolved").get_data(as_text=True)


def test_date_range_filter_uses_office_days(client, login_as, make_suggestion):
    make_suggestion(None, title="上周的", days_ago=8)
    make_suggestion(None, title="今天的")
    login_as(Role.OFFICE)
    day = today()
    page = client.get(f"/suggestions/triage?start={(day - timedelta(days=1)).isoformat()}").get_data(as_text=True)
    assert "今天的" in page and "上周的" not in page
    page = client.get(f"/suggestions/triage?end={(day - timedelta(days=7)).isoformat()}&start=bad").get_data(
        as_text=True)
    assert "上周的" in page and "今天的" not in page


def test_overdue_after_five_working_days_stands_out(client, login_as, make_suggestion, app):
    make_suggestion(None, title="很久没人理", days_ago=10)
    make_suggestion(None, title="刚刚提交")
    login_as(Role.OFFICE)
    page = client.get("/suggestions/triage?overdue=1").get_data(as_text=True)
    assert "很久没人理" in page and "刚刚提交" not in page and "Overdue" in page


def _slip_filed_on(client, categories, day: date) -> Suggestion:
    """The office types in a paper slip dated `day`; the note as stored."""
    response = client.post("/suggestions/new?source=paper", data={
        "category_id": categories[0].id, "title": "国庆前的纸条", "details": "节后请回复。",
        "slip_date": day.isoformat(), "token": f"slip-token-{day.isoformat()}"})
    assert response.status_code == 303
    return db.session.scalar(select(Suggestion).order_by(Suggestion.created_at.desc()))


def test_the_answer_is_due_after_the_national_day_holiday(client, login_as, categories):
    login_as(Role.OFFICE)
    # Filed on Wednesday 30 September: 1–7 October are public holidays and Saturday 10 October is a
    # make-up working day, so the 5 working days are 8, 9, 10, 12 and 13 October (a plain Monday-to-
    # Friday count would have made it due on 7 October, in the middle of the holiday).
    note = _slip_filed_on(client, categories, date(2026, 9, 30))
    assert note.answer_due_at == day_bounds(date(2026, 10, 13))[1]  # the end of Tuesday 13 October


def test_an_office_closure_day_pushes_the_due_date(client, login_as, categories):
    office = login_as(Role.OFFICE)
    calendar.set_day(date(2026, 10, 12), CLOSED, "办公室搬迁 Office move", office)
    note = _slip_filed_on(client, categories, date(2026, 9, 30))
    assert note.answer_due_at == day_bounds(date(2026, 10, 14))[1]


def test_publishing_an_answer_changes_status_notifies_and_keeps_history(client, login_as, make_suggestion, make_user):
    author = make_user()
    suggestion = make_suggestion(author)
    office = login_as(Role.OFFICE, name="王主任")
    response = client.post(f"/suggestions/{suggestion.id}/answer", data={
        "status_to": "in_progress", "body": "已转交后勤部。", "version": suggestion.version, "action": "publish"})
    assert response.status_code == 303
    db.session.refresh(suggestion)
    assert suggestion.status == "in_progress" and suggestion.first_answered_at is not None
    assert len(_notifications(author)) == 1
    event = db.session.scalar(select(Event).where(Event.kind == "answer"))
    assert event.actor_id == office.id and "new → in_progress" in event.detail
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "王主任" in page and "In progress" in page


def test_declined_without_reason_is_refused_and_nothing_changes(client, login_as, make_suggestion):
    suggestion = make_suggestion(None)
    login_as(Role.OFFICE)
    response = client.post(f"/suggestions/{suggestion.id}/answer", data={
        "status_to": "declined", "body": "", "version": suggestion.version})
    assert response.status_code == 422
    assert "Give the reason" in response.get_data(as_text=True)
    db.session.refresh(suggestion)
    assert suggestion.status == "new" and db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_deferred_needs_plan_and_date_and_keeps_input(client, login_as, make_suggestion):
    suggestion = make_suggestion(None)
    login_as(Role.OFFICE)
    response = client.post(f"/suggestions/{suggestion.id}/answer", data={
        "status_to": "deferred", "body": "需要预算。", "plan": "", "version": suggestion.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "needs a plan" in page and "需要预算。" in page
    target = (date.today() + timedelta(days=60)).isoformat()
    response = client.post(f"/suggestions/{suggestion.id}/answer", data={
        "status_to": "deferred", "body": "需要预算。", "plan": "下季度采购", "target_date": target,
        "version": suggestion.version})
    assert response.status_code == 303
    db.session.refresh(suggestion)
    assert suggestion.status == "deferred"


def test_a_disallowed_status_is_refused(client, login_as, make_suggestion, publish):
    suggestion = make_suggestion(None)
    publish(suggestion, "resolved")
    login_as(Role.OFFICE)
    db.session.refresh(suggestion)
    response = client.post(f"/suggestions/{suggestion.id}/answer", data={
        "status_to": "declined", "body": "x", "version": suggestion.version})
    assert response.status_code == 422
    db.session.refresh(suggestion)
    assert suggestion.status == "resolved"


def test_drafts_notify_nobody_until_published_together(client, login_as, make_suggestion, make_user):
    author = make_user()
    first, second = make_suggestion(author, title="一"), make_suggestion(author, title="二")
    login_as(Role.OFFICE)
    for s in (first, second):
        response = client.post(f"/suggestions/{s.id}/answer", data={
            "status_to": "resolved", "body": "已解决", "version": s.version, "action": "draft"})
        assert response.status_code == 303
    db.session.refresh(first)
    assert first.status == "new" and _notifications(author) == []
    assert "二" in client.get("/suggestions/drafts").get_data(as_text=True)
    assert client.get(f"/suggestions/{first.id}").get_data(as_text=True).count("draft, not yet published") == 1
    response = client.post("/suggestions/drafts/publish")
    assert response.status_code == 303
    db.session.refresh(first)
    assert first.status == "resolved" and len(_notifications(author)) == 2
    assert answers.drafts() == []


def test_author_never_sees_a_draft(client, login_as, make_suggestion, office_user):
    me = login_as()
    suggestion = make_suggestion(me)
    answers.answer(suggestion, office_user, version=suggestion.version, status_to="resolved", body="草稿内容",
                   publish=False)
    assert "草稿内容" not in client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "草稿内容" not in client.get("/suggestions/").get_data(as_text=True)


def test_a_losing_concurrent_writer_sees_the_current_state(client, login_as, make_suggestion, publish):
    suggestion = make_suggestion(None)
    old_version = suggestion.version
    publish(suggestion, "in_progress", "第一位同事的答复")
    login_as(Role.OFFICE)
    response = client.post(f"/suggestions/{suggestion.id}/answer", data={
        "status_to": "resolved", "body": "第二位同事的答复", "version": old_version})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this suggestion" in page and "第一位同事的答复" in page
    db.session.refresh(suggestion)
    assert suggestion.status == "in_progress"


def test_two_office_staff_publishing_the_same_draft_give_one_success_and_one_409(client, login_as, make_suggestion,
                                                                                    make_user, office_user):
    author = make_user()
    suggestion = make_suggestion(author)
    answers.answer(suggestion, office_user, version=suggestion.version, status_to="resolved", body="已解决",
                   publish=False)
    login_as(Role.OFFICE)
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    shown_version = page.split('name="version" value="')[1].split('"')[0]  # both colleagues opened this page
    first = client.post(f"/suggestions/{suggestion.id}/draft/publish", data={"version": shown_version})
    second = client.post(f"/suggestions/{suggestion.id}/draft/publish", data={"version": shown_version})
    assert first.status_code == 303
    assert second.status_code == 409
    text = second.get_data(as_text=True)
    assert "Someone else changed this suggestion" in text and "已解决" in text
    db.session.refresh(suggestion)
    assert suggestion.status == "resolved" and len(_notifications(author)) == 1


def test_a_draft_published_by_a_colleague_at_the_same_moment_is_a_conflict(app, make_suggestion, office_user,
                                                                         make_user):
    """Both publishers read the same version; the one whose write lands second is told, nothing doubles."""
    suggestion, second_publisher = make_suggestion(make_user()), make_user(Role.OFFICE)
    answers.answer(suggestion, office_user, version=suggestion.version, status_to="in_progress", body="处理中",
                   publish=False)
    db.session.refresh(suggestion)
    read_version = suggestion.version
    with db.engine.begin() as colleague:  # the other publisher's write lands first
        colleague.execute(Suggestion.__table__.update().where(Suggestion.id == suggestion.id)
                          .values(status="in_progress", version=read_version + 1))
    with pytest.raises(answers.StaleSuggestion):
        answers.publish_draft(suggestion, second_publisher, read_version)
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.kind == "answer")) == 0


def test_internal_notes_stay_with_the_office(client, login_as, make_suggestion, make_user):
    author = make_user()
    suggestion = make_suggestion(author)
    login_as(Role.OFFICE)
    assert client.post(f"/suggestions/{suggestion.id}/notes", data={"body": "内部：与后勤核实"}).status_code == 303
    assert client.post(f"/suggestions/{suggestion.id}/notes", data={"body": ""}).status_code == 422
    assert "内部：与后勤核实" in client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    client.post("/logout")
    client.post("/login", data={"login": author.login, "password": "correct horse battery"})
    assert "内部：与后勤核实" not in client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)


def test_merge_makes_the_duplicate_author_follow_the_survivor(client, login_as, make_suggestion, make_user, publish):
    author, other = make_user(), make_user()
    survivor = make_suggestion(other, title="班车太少")
    duplicate = make_suggestion(author, title="班车不够")
    anonymous = make_suggestion(None, title="班车")
    login_as(Role.OFFICE)
    assert client.post(f"/suggestions/{duplicate.id}/merge", data={"target_id": survivor.id}).status_code == 303
    assert client.post(f"/suggestions/{anonymous.id}/merge", data={"target_id": survivor.id}).status_code == 303
    db.session.refresh(duplicate)
    assert duplicate.status == "merged" and duplicate.merged_into_id == survivor.id
    publish(survivor, "resolved", "增加了两班车。")
    assert len(_notifications(author)) == 2  # merged, then the survivor's answer
    page = client.get(f"/suggestions/track/{anonymous.code}").get_data(as_text=True)
    assert "增加了两班车。" in page
    response = client.post(f"/suggestions/{survivor.id}/merge", data={"target_id": survivor.id})
    assert response.status_code == 422 and "Choose another suggestion" in response.get_data(as_text=True)
    db.session.refresh(survivor)
    assert survivor.status == "resolved"


def test_each_follower_of_a_merged_thread_gets_a_link_they_can_open(client, login_as, make_suggestion, make_user,
                                                                     publish):
    survivor_author, duplicate_author = make_user(), make_user()
    survivor = make_suggestion(survivor_author, title="班车太少")
    duplicate = make_suggestion(duplicate_author, title="早班车能不能加一班")
    anonymous = make_suggestion(None, title="匿名：班车")
    login_as(Role.OFFICE)
    for merged in (duplicate, anonymous):
        assert client.post(f"/suggestions/{merged.id}/merge", data={"target_id": survivor.id}).status_code == 303
    told = _latest_notification(duplicate_author)
    assert told.link == f"/suggestions/{duplicate.id}" and "早班车能不能加一班" in told.message
    target = (date.today() + timedelta(days=30))
    publish(survivor, "deferred", "需要和公交公司谈。", plan="下个月起加开 7:10 班次", target_date=target)

    own = _latest_notification(survivor_author)
    assert own.link == f"/suggestions/{survivor.id}" and "班车太少" in own.message
    told = _latest_notification(duplicate_author)
    assert told.link == f"/suggestions/{duplicate.id}"
    assert "早班车能不能加一班" in told.message and "班车太少" not in told.message
    assert "merged with one on the same topic" in told.message

    _sign_in(client, duplicate_author)
    assert client.get(f"/suggestions/{survivor.id}").status_code == 404  # still not theirs to open
    response = client.get(told.link)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="merged-note"' in page
    assert "Deferred" in page and "需要和公交公司谈。" in page and "下个月起加开 7:10 班次" in page

    client.post("/logout")
    tracking = client.get(f"/suggestions/track/{anonymous.code}").get_data(as_text=True)
    assert 'id="merged-note"' in tracking and "Deferred" in tracking and "需要和公交公司谈。" in tracking


def test_an_author_of_both_survivor_and_duplicate_is_told_once(client, login_as, make_suggestion, make_user, publish):
    author = make_user()
    survivor, duplicate = make_suggestion(author, title="一号"), make_suggestion(author, title="二号")
    login_as(Role.OFFICE)
    client.post(f"/suggestions/{duplicate.id}/merge", data={"target_id": survivor.id})
    before = len(_notifications(author))
    publish(survivor, "in_progress", "处理中")
    assert len(_notifications(author)) == before + 1
    assert _latest_notification(author).link == f"/suggestions/{survivor.id}"


def test_triage_rows_show_the_short_number_and_the_search_finds_it(client, login_as, make_user, make_suggestion):
    author = make_user(Role.EMPLOYEE)
    other = make_suggestion(author, title="另一条")
    wanted = make_suggestion(author, title="要找的这条")
    year = today().year
    assert (other.reference, wanted.reference) == (f"S-{year}-0001", f"S-{year}-0002")
    login_as(Role.OFFICE)
    page = client.get("/suggestions/triage").get_data(as_text=True)
    assert wanted.reference in page and other.reference in page
    for query in (wanted.reference, wanted.reference.lower(), f"S {year} 2", f"{year}-0002", str(wanted.id)):
        found = client.get("/suggestions/triage", query_string={"q": query}).get_data(as_text=True)
        assert "要找的这条" in found and "另一条" not in found, query
    partial = client.get("/suggestions/triage", query_string={"q": str(wanted.id)[:6]}).get_data(as_text=True)
    assert "要找的这条" not in partial  # only the whole number matches, not a fragment of it
    detail = client.get(f"/suggestions/{wanted.id}").get_data(as_text=True)
    assert wanted.reference in detail


def test_search_takes_percent_and_underscore_literally(client, login_as, make_suggestion):
    make_suggestion(None, title="打印机 100% 卡纸")
    make_suggestion(None, title="打印机 1000 张")
    login_as(Role.OFFICE)
    found = client.get("/suggestions/triage", query_string={"q": "100%"}).get_data(as_text=True)
    assert "100% 卡纸" in found and "1000 张" not in found
    assert "No suggestion matches" in client.get("/suggestions/triage", query_string={"q": "_"}).get_data(as_text=True)


def test_merge_takes_a_pasted_number_and_keeps_a_wrong_one_with_the_reason(client, login_as, make_suggestion):
    survivor, duplicate = make_suggestion(None, title="留下的"), make_suggestion(None, title="重复的")
    login_as(Role.OFFICE)
    response = client.post(f"/suggestions/{duplicate.id}/merge", data={"target_id": "123456789"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "like S-2026-0412" in page and 'value="123456789"' in page
    missing = "999999999999" if survivor.id != 999999999999 else "100000000000"
    response = client.post(f"/suggestions/{duplicate.id}/merge", data={"target_id": missing})
    assert response.status_code == 422 and "No suggestion has this number" in response.get_data(as_text=True)
    db.session.refresh(duplicate)
    assert duplicate.status == "new"
    response = client.post(f"/suggestions/{duplicate.id}/merge", data={"target_id": f"No. {survivor.id}"})
    assert response.status_code == 303 and response.headers["Location"] == f"/suggestions/{survivor.id}"
    db.session.refresh(duplicate)
    assert duplicate.merged_into_id == survivor.id


def test_answer_template_prefills_the_answer_fragment(client, login_as, make_suggestion):
    template = AnswerTemplate(title="已转交", body="感谢反馈，已转交后勤部跟进。")
    db.session.add(template)
    db.session.commit()
    suggestion = make_suggestion(None)
    login_as(Role.OFFICE)
    response = client.get(f"/suggestions/{suggestion.id}?template_id={template.id}",
                          headers=PARTIAL)
    text = response.get_data(as_text=True)
    assert 'id="answer-form"' in text and "感谢反馈，已转交后勤部跟进。" in text and "<nav" not in text


def test_office_edits_templates_and_categories(client, login_as, categories):
    login_as(Role.OFFICE)
    response = client.post("/suggestions/templates", data={"title": "谢谢", "body": "感谢！", "active": "y"})
    assert response.status_code == 303
    assert "谢谢" in client.get("/suggestions/templates").get_data(as_text=True)
    response = client.post(f"/suggestions/categories/{categories[0].id}",
                           data={"name_zh": "办公环境", "name_en": "Office space", "position": "0"})
    assert response.status_code == 303
    assert len(services.categories()) == len(categories) - 1  # unticked "in use" retires it
    assert client.post("/suggestions/categories", data={"name_zh": "", "name_en": "x"}).status_code == 422


def test_board_toggle(client, login_as, make_suggestion):
    suggestion = make_suggestion(None)
    login_as(Role.OFFICE)
    client.post(f"/suggestions/{suggestion.id}/board", data={"shown": "1"})
    db.session.refresh(suggestion)
    assert suggestion.on_board
    assert db.session.scalar(select(Suggestion.on_board)) is True


def test_tick_reminds_the_office_once_per_overdue_suggestion(app, make_suggestion, office_user, make_user):
    late = make_suggestion(None, days_ago=10)
    version = late.version
    make_suggestion(None)
    employee = make_user()
    first = app.test_cli_runner().invoke(args=["tick"])
    assert "suggestions: overdue answers: 1 newly overdue" in first.output
    assert len(_notifications(office_user)) == 1 and _notifications(employee) == []
    assert "suggestions: overdue answers: no newly overdue" in app.test_cli_runner().invoke(args=["tick"]).output
    db.session.refresh(late)
    assert late.version == version  # the reminder leaves an open answer form valid


def test_an_anonymous_reply_follows_the_answer_it_replies_to(client, make_suggestion, publish):
    suggestion = make_suggestion(None)
    publish(suggestion, "in_progress", "正在处理")
    client.post(f"/suggestions/track/{suggestion.code}/reply", data={"body": "补充一点"})
    page = client.get(f"/suggestions/track/{suggestion.code}").get_data(as_text=True)
    assert page.index("正在处理") < page.index("补充一点")


def test_triage_shows_when_the_author_replied_after_the_answer(client, login_as, make_suggestion, publish):
    suggestion = make_suggestion(None, title="需要回复的")
    publish(suggestion, "in_progress", "处理中")
    login_as(Role.OFFICE)
    assert "the author replied" not in client.get("/suggestions/triage").get_data(as_text=True)
    client.post(f"/suggestions/track/{suggestion.code}/reply", data={"body": "还没修好"})
    assert "the author replied" in client.get("/suggestions/triage").get_data(as_text=True)
    publish(suggestion, "resolved", "已修好")
    assert "the author replied" not in client.get("/suggestions/triage").get_data(as_text=True)


def test_an_authors_reply_stays_flagged_when_another_suggestion_is_answered_later(
        client, login_as, make_suggestion, make_user, publish):
    """The "author replied" badge compares a reply with the office's answers to the same suggestion,
    not with the newest answer anywhere (it used to vanish as soon as any other note was answered)."""
    author = make_user(name="刘工")
    waiting = make_suggestion(author, title="打印机缺纸")
    publish(waiting, body="下周补货。")
    services.reply(waiting, "今天就没纸了。")
    other = make_suggestion(make_user(name="赵工"), title="会议室太冷")
    publish(other, body="已调高温度。")
    login_as(Role.OFFICE)
    rows = client.get("/suggestions/triage", headers=PARTIAL).get_data(as_text=True)
    assert rows.count("the author replied") + rows.count("作者已回复") == 1
    waiting_row = rows[rows.index("打印机缺纸"):]
    assert "the author replied" in waiting_row[:600] or "作者已回复" in waiting_row[:600]


def test_triage_folds_the_filters_and_says_how_many_are_on(client, login_as, categories):
    login_as(Role.OFFICE)
    page = client.get("/suggestions/triage").get_data(as_text=True)
    assert '<details class="more-filters" data-filter-count>' in page and 'name="q"' in page
    assert page.index('name="q"') < page.index('<details class="more-filters"')  # the search stays in view
    filtered = client.get("/suggestions/triage", query_string={"status": "new", "overdue": "1", "q": "食堂"})
    assert ">2 active</span>" in filtered.get_data(as_text=True)  # the search itself is not counted
