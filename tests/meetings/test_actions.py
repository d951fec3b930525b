"""/actions/ and the follow-up section: who sees what, moving an action item on, the dashboard card."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.meetings import queries
from app.meetings.models import ActionItem, Meeting, MeetingSeries
from app.notifications.models import Notification
from app.timeutil import today
from tests import PARTIAL


def move_post(action, move, note="", version=None):
    prefix = f"progress{action.id}"
    return {f"{prefix}-move": move, f"{prefix}-note": note,
            f"{prefix}-version": str(version if version is not None else action.version)}


def test_owner_reports_done_and_office_accepts(client, login_as, office_user, prod_liaison, hr, meeting, add_item,
                                               assign):
    owner = login_as(department=hr, name="HR Clerk")
    action = assign(office_user, add_item(meeting, prod_liaison), owner)
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Report done" in page and "Accept as done" not in page
    response = client.post(f"/actions/{action.id}/move", data=move_post(action, "done", ""))
    assert response.status_code == 422 and "Write a short note" in response.get_data(as_text=True)
    assert client.post(f"/actions/{action.id}/move", data=move_post(action, "done", "已完成")).status_code == 303
    assert {n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.message.like("%reported done%")))} == {office_user.id}
    client.post("/logout")
    login_as(Role.OFFICE)
    done = db.session.get(ActionItem, action.id)
    assert client.post(f"/actions/{action.id}/move", data=move_post(done, "accept")).status_code == 303
    assert db.session.get(ActionItem, action.id).state == "accepted"


def test_the_owner_cannot_accept_their_own_work(client, login_as, office_user, prod_liaison, hr, meeting, add_item,
                                                assign):
    action = assign(office_user, add_item(meeting, prod_liaison), login_as(Role.LIAISON, department=hr))
    response = client.post(f"/actions/{action.id}/move", data=move_post(action, "accept"))
    assert response.status_code == 422
    assert db.session.get(ActionItem, action.id).state == "open"


def test_a_stale_move_is_a_conflict(client, login_as, office_user, prod_liaison, hr, meeting, add_item, assign):
    """A lost race answers 409 with what happened, offers the moves that fit now, and writes nothing."""
    action = assign(office_user, add_item(meeting, prod_liaison), login_as(Role.LIAISON, department=hr))
    client.post(f"/actions/{action.id}/move", data=move_post(action, "start"))
    response = client.post(f"/actions/{action.id}/move", data=move_post(action, "progress", "x", version=1),
                           headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else moved this action item first; it is now: in progress" in body
    assert f'name="progress{action.id}-version" type="hidden" value="2"' in body and "Report progress" in body
    assert [e.to_state for e in db.session.get(ActionItem, action.id).events] == ["open", "in_progress"]


def test_follow_up_section_shows_earlier_unaccepted_items_with_weeks_open(client, login_as, office_user, prod_liaison,
                                                                        hr, make_meeting, add_item, assign):
    earlier = make_meeting(days=-21)
    hr_liaison = login_as(Role.LIAISON, department=hr, name="HR Liaison")
    action = assign(office_user, add_item(earlier, prod_liaison), hr_liaison, task="旧任务")
    action.created_at = action.created_at - timedelta(days=21)
    db.session.commit()
    later = make_meeting(days=1)
    page = client.get(f"/meetings/{later.id}").get_data(as_text=True)
    follow = page.split('id="followups"')[1]
    assert "旧任务" in follow and "open for 3 weeks" in follow and "Update" in follow
    history = client.get(f"/actions/{action.id}/history", headers=PARTIAL).get_data(as_text=True)
    assert "history-steps" in history and "<nav" not in history and "HR Liaison" not in history.split("Office Wang")[0]
    # Inline progress from the follow-up section redraws the row and empties the form slot.
    response = client.post(f"/actions/{action.id}/move", data=move_post(action, "progress", "进行中"),
                           headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'hx-target="#action-{action.id}-view"' in body and "in progress" in body
    assert "进行中" in client.get(f"/actions/{action.id}/history").get_data(as_text=True)


def test_an_inline_move_brings_its_message_with_the_redrawn_row(client, login_as, office_user, prod_liaison, hr,
                                                                 make_meeting, add_item, assign):
    earlier = make_meeting(days=-7)
    action = assign(office_user, add_item(earlier, prod_liaison), login_as(Role.LIAISON, department=hr))
    response = client.post(f"/actions/{action.id}/move", data=move_post(action, "start"), headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<hx-partial hx-target="#action-{action.id}-view"' in body
    assert body.count('hx-target="#flash"') == 1 and "The action item is updated." in body
    assert "The action item is updated." not in client.get("/actions/").get_data(as_text=True)  # not again


def test_progress_on_a_follow_up_reaches_the_later_meetings_screen(client, login_as, office_user, prod_liaison, hr,
                                                                   make_meeting, add_item, assign):
    from app.meetings import live
    earlier = make_meeting(days=-7)
    action = assign(office_user, add_item(earlier, prod_liaison), login_as(Role.LIAISON, department=hr))
    later = make_meeting(days=1)
    revision = live.revisions(later.id).revision
    client.post(f"/actions/{action.id}/move", data=move_post(action, "start"))
    body = client.get(f"/meetings/{later.id}/changes?since={revision}").get_data(as_text=True)
    # Only the changed row is redrawn, not the whole section of (up to hundreds of) follow-ups.
    assert f'<hx-partial hx-target="#action-{action.id}-view"' in body and 'id="followups"' not in body


def test_actions_list_filters_and_liaison_sees_own_department_first(client, login_as, office_user, prod_liaison, hr,
                                                                    meeting, add_item, assign):
    hr_liaison = login_as(Role.LIAISON, department=hr)
    item = add_item(meeting, prod_liaison)
    assign(office_user, item, prod_liaison, task="生产任务", days=1)
    hr_task = assign(office_user, item, hr_liaison, task="人事任务", days=9)
    late = assign(office_user, item, prod_liaison, task="逾期任务", days=2)
    late.deadline = today() - timedelta(days=3)
    db.session.commit()
    page = client.get("/actions/").get_data(as_text=True)
    assert page.index("人事任务") < page.index("逾期任务") < page.index("生产任务")
    overdue = client.get("/actions/?overdue=1", headers=PARTIAL).get_data(as_text=True)
    assert "逾期任务" in overdue and "生产任务" not in overdue and "<nav" not in overdue
    by_owner = client.get(f"/actions/?owner={hr_liaison.id}").get_data(as_text=True)
    assert "人事任务" in by_owner and "生产任务" not in by_owner
    by_dept = client.get(f"/actions/?department={prod_liaison.department_id}").get_data(as_text=True)
    assert "生产任务" in by_dept and "人事任务" not in by_dept
    by_state = client.get("/actions/?state=accepted").get_data(as_text=True)
    assert "No action item matches" in by_state
    assert hr_task.id


def _listed(page: str) -> list[str]:
    return re.findall(r"<strong>(.*?)</strong>", page.split('id="action-rows"')[1])


def test_a_liaison_pages_through_their_department_first_and_not_a_group_they_are_not_in(
        client, login_as, make_user, office_user, prod, hr, make_meeting, monkeypatch):
    """Their own department's action items first, then the others, each by deadline, whichever page the
    boundary falls on (the list reads the two parts separately); a group's meeting's action items only when
    they own or assigned them."""
    monkeypatch.setattr(queries, "ACTIONS_PAGE_SIZE", 2)
    liaison, outsider = login_as(Role.LIAISON, department=hr), make_user(department=prod)
    group = MeetingSeries(name="小组", name_en="Group", kind="group", members=[outsider])
    db.session.add(group)
    seen, unseen = make_meeting(), make_meeting()
    unseen.series = group

    def action(task, department, days, owner=outsider, meeting=None):
        db.session.add(ActionItem(task=task, department_id=department.id, owner_id=owner.id, acceptance="x",
                                  meeting_id=meeting.id if meeting else None, deadline=today() + timedelta(days=days),
                                  created_by_id=office_user.id, source="meeting" if meeting else "other"))

    action("hr-3", hr, 3, meeting=seen)
    action("hr-1", hr, 1)
    action("hr-2", hr, 2, owner=liaison, meeting=unseen)  # a group's, but the liaison owns it
    action("prod-2", prod, 2, meeting=seen)
    action("prod-1", prod, 1)
    action("hidden", prod, 0, meeting=unseen)
    action("prod-3", prod, 3)
    db.session.commit()
    pages = [_listed(client.get(f"/actions/?page={n}").get_data(as_text=True)) for n in (1, 2, 3, 4)]
    # Page 4 is past the end: it shows the last page (app/paging.py).
    assert pages == [["hr-1", "hr-2"], ["hr-3", "prod-1"], ["prod-2", "prod-3"], ["prod-2", "prod-3"]]


def test_a_liaisons_list_reads_its_page_and_count_from_indexes(client, login_as, hr):
    """A liaison sees nearly every action item: their page is read by walking the (department, deadline) and
    (deadline) indexes, never by sorting what they may see, and the count reads an index, not the rows."""
    from tests.test_query_plans import _plan, _postgres, _record, whole_table_scans
    login_as(Role.LIAISON, department=hr)
    statements = [(s, p) for s, p in _record(client, "/actions/") if re.match(r"SELECT (meeting_actions|count)", s)]
    assert len(statements) == 4, "the department's part, the rest, the count and the rows"
    for statement, parameters in statements:
        plan = _plan(statement, parameters)
        assert not whole_table_scans(plan), plan
        if not _postgres():
            assert not any("TEMP B-TREE" in line for line in plan), plan
    db.session.rollback()


def test_an_employee_sees_only_action_items_they_own(client, login_as, office_user, prod_liaison, hr_liaison, meeting,
                                                     add_item, assign):
    owner = login_as(department=hr_liaison.department, name="Clerk")
    item = add_item(meeting, prod_liaison)
    mine = assign(office_user, item, owner, task="我的任务")
    theirs = assign(office_user, item, hr_liaison, task="别人的任务")
    page = client.get("/actions/").get_data(as_text=True)
    assert "我的任务" in page and "别人的任务" not in page
    assert client.get(f"/actions/{theirs.id}").status_code == 404
    assert client.get(f"/actions/{mine.id}").status_code == 200


def test_dashboard_card_counts_per_department(client, login_as, office_user, prod_liaison, hr_liaison, meeting,
                                              add_item, assign):
    assign(office_user, add_item(meeting, prod_liaison), hr_liaison)
    login_as(Role.OFFICE)
    home = client.get("/").get_data(as_text=True)
    assert "Action items by department" in home and "Human Resources" in home and "Accepted this month" in home


def test_the_actions_list_runs_a_constant_number_of_queries(client, login_as, office_user, prod_liaison, hr_liaison,
                                                            meeting, add_item, assign, count_queries):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)

    def measure():
        with count_queries() as counter:
            assert client.get("/actions/").status_code == 200
        return counter.count

    for _ in range(5):
        assign(office_user, item, hr_liaison)
    few = measure()
    for _ in range(25):
        assign(office_user, item, prod_liaison)
    assert measure() == few


def test_meeting_page_queries_do_not_grow_with_items_and_follow_ups(client, login_as, office_user, prod_liaison,
                                                                   hr_liaison, make_meeting, add_item, assign,
                                                                   count_queries):
    earlier, current = make_meeting(days=-7), make_meeting(days=1)
    login_as(Role.OFFICE)

    def grow(n):
        for i in range(n):
            item = add_item(current, prod_liaison if i % 2 else hr_liaison, title=f"议题 {i}")
            assign(office_user, item, hr_liaison)
            assign(office_user, add_item(earlier, prod_liaison), prod_liaison)

    def measure():
        with count_queries() as counter:
            assert client.get(f"/meetings/{current.id}").status_code == 200
        return counter.count

    grow(5)
    few = measure()
    grow(25)
    assert measure() == few
    assert len(queries.agenda(db.session.get(Meeting, current.id))) == 30


@pytest.mark.parametrize("locale, zero, new, short", [
    ("en", "0 weeks", "new this week", "less than a week"),
    ("zh_CN", "0 周", "本周新增", "不到一周"),
])
def test_an_action_item_from_days_ago_never_reads_open_for_0_weeks(client, login_as, office_user, prod_liaison, hr,
                                                                    make_meeting, add_item, assign, locale, zero,
                                                                    new, short):
    earlier = make_meeting(days=-3)
    hr_liaison = login_as(Role.LIAISON, department=hr, locale=locale)
    action = assign(office_user, add_item(earlier, prod_liaison), hr_liaison, task="新任务")
    action.created_at = action.created_at - timedelta(days=3)
    db.session.commit()
    later = make_meeting(days=1)
    follow = client.get(f"/meetings/{later.id}").get_data(as_text=True).split('id="followups"')[1]
    detail = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "新任务" in follow and new in follow and short in detail
    assert zero not in follow and zero not in detail


def test_the_action_rows_speak_the_readers_language(client, login_as, office_user, prod_liaison, meeting, add_item,
                                                    assign):
    """The rows' badges, words and the meeting's date are looked up once per page (app/meetings/rows.py), in
    the reader's language: the state, the deadline, the overdue mark and the meeting it came from."""
    reader = login_as(Role.OFFICE)
    late = assign(office_user, add_item(meeting, prod_liaison), prod_liaison, task="逾期任务", days=2)
    late.deadline = today() - timedelta(days=3)
    db.session.commit()
    day = late.deadline.isoformat()
    english = ("badge-action-open\">open<", f"deadline {day}", "· overdue</span>", "from the meeting of ")
    chinese = ("badge-action-open\">待办<", f"完成时限 {day}", "· 已逾期</span>", "来自 ")
    for language, words in (("en", english), ("zh_CN", chinese)):
        reader.locale = language
        db.session.commit()
        html = client.get("/actions/").get_data(as_text=True)
        row = re.search(r'<li class="row-card is-overdue">.*?逾期任务.*?</li>', html, re.S).group(0)
        assert all(word in row for word in words), (language, row)
