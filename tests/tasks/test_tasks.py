"""Assigned tasks (督办): a leader assigns with a criterion, the owner reports progress and done, the leader
accepts or sends back — on the action items' states and history (one model, one workflow)."""
import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import ActionItem, AgendaItem, Meeting
from app.notifications.models import Notification
from app.tasks import queries as task_queries
from app.timeutil import today, utcnow
from tests.conftest import PASSWORD


def _sign_in(app, user):
    client = app.test_client()
    client.set_cookie("locale", "en")
    response = client.post("/login", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 303
    return client


def _messages(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _form(owner, deadline, **overrides):
    data = {"title": "客户检测报告模板", "details": "For Sales", "owner_id": str(owner.id),
            "deadline": deadline.isoformat(), "acceptance": "模板经销售部确认", "source": "leadership",
            "source_note": "总经理办公会", "token": "tap-1"}
    data.update(overrides)
    return data


def _move(client, task, move, note="", percent=""):
    db.session.expire_all()
    task = db.session.get(ActionItem, task.id)
    prefix = f"progress{task.id}"
    return client.post(f"/actions/{task.id}/move", data={f"{prefix}-move": move, f"{prefix}-note": note,
                                                          f"{prefix}-percent": percent,
                                                          f"{prefix}-version": str(task.version)})


def test_a_leader_assigns_the_owner_reports_and_the_leader_accepts(app, leader, owner, deadline):
    as_leader = _sign_in(app, leader)
    page = as_leader.get("/tasks/new").get_data(as_text=True)
    assert "Owner Qian · Quality" in page  # the owner's department is shown with their name
    response = as_leader.post("/tasks/new", data=_form(owner, deadline))
    assert response.status_code == 303
    again = as_leader.post("/tasks/new", data=_form(owner, deadline))  # a double tap
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 1
    task = db.session.scalar(select(ActionItem))
    assert (task.source, task.source_note, task.created_by_id, task.meeting_id) == \
           ("leadership", "总经理办公会", leader.id, None)
    assert _messages(owner) == [f"Leader Zhao assigned you a task: 客户检测报告模板 (deadline {deadline.isoformat()})"]

    as_owner = _sign_in(app, owner)
    assert _move(as_owner, task, "progress", "初稿完成", "60").status_code == 303
    body = as_owner.get(f"/actions/{task.id}").get_data(as_text=True)
    assert "60%" in body and "初稿完成" in body and "leadership instruction · 总经理办公会" in body
    assert _messages(leader)[-1] == "Progress on 客户检测报告模板: 初稿完成"
    assert _move(as_owner, task, "done", "模板已发销售部").status_code == 303
    assert _messages(leader)[-1] == "Task reported done, please check it against its criterion: 客户检测报告模板"

    overview = as_leader.get("/tasks/overview").get_data(as_text=True)
    assert "Waiting for your acceptance (1)" in overview
    assert _move(as_leader, task, "accept").status_code == 303
    db.session.expire_all()
    assert db.session.get(ActionItem, task.id).state == "accepted"
    assert _messages(owner)[-1] == "Your task was accepted as done: 客户检测报告模板"
    history = [(e.from_state, e.to_state, e.percent) for e in db.session.get(ActionItem, task.id).events]
    assert history == [("", "open", None), ("open", "in_progress", 60), ("in_progress", "done", None),
                       ("done", "accepted", None)]


def test_the_assigner_sends_back_with_a_reason(app, assign, leader, owner):
    task = db.session.get(ActionItem, assign())
    as_owner, as_leader = _sign_in(app, owner), _sign_in(app, leader)
    _move(as_owner, task, "done", "好了")
    no_reason = _move(as_leader, task, "send_back")
    assert no_reason.status_code == 422 and "Write a short note for this step." in no_reason.get_data(as_text=True)
    assert _move(as_leader, task, "send_back", "缺少英文版").status_code == 303
    db.session.expire_all()
    assert db.session.get(ActionItem, task.id).state == "in_progress"
    assert _messages(owner)[-1] == "Your task was sent back: 客户检测报告模板 — 缺少英文版"


def test_the_owner_cannot_accept_their_own_task(app, assign, owner):
    task = db.session.get(ActionItem, assign())
    as_owner = _sign_in(app, owner)
    _move(as_owner, task, "done", "好了")
    assert _move(as_owner, task, "accept").status_code == 403  # nothing left for the owner to do


def test_bad_input_gets_every_error_at_once_and_keeps_the_text(app, leader, owner, deadline):
    as_leader = _sign_in(app, leader)
    data = {**_form(owner, deadline, owner_id="0", acceptance="", title="我的标题"), "deadline": "2001-02-30"}
    response = as_leader.post("/tasks/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose an owner." in body and "Say how you will check that the task is done." in body
    assert "Give a deadline." in body and 'value="我的标题"' in body
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_a_past_deadline_is_told_with_the_field_errors_in_one_submit(app, leader, owner):
    """The service's rules (deadline not past, owner in a department) show with the fields' own errors, not
    only once those are fixed; all of them listed at the top, each linked to its field."""
    as_leader = _sign_in(app, leader)
    assert "Fields marked * are required." in as_leader.get("/tasks/new").get_data(as_text=True)
    data = _form(owner, today() - timedelta(days=3), title="", acceptance="")
    response = as_leader.post("/tasks/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="deadline-error">The deadline cannot be in the past.' in body
    summary = body.split('class="form-errors error-summary" role="alert"')[1].split("</div>")[0]
    assert "These fields need attention: 3" in summary
    for field in ("title", "deadline", "acceptance"):
        assert f'<a href="#{field}">' in summary, field
    assert summary.count("Say how you will check that the task is done.") == 1  # not twice
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_the_deadline_must_be_a_working_day_in_the_future(app, leader, owner, deadline):
    as_leader = _sign_in(app, leader)
    app.config["CALENDAR_CLOSED_DAYS"] = [deadline.isoformat()]
    body = as_leader.post("/tasks/new", data=_form(owner, deadline)).get_data(as_text=True)
    assert f"{deadline.isoformat()} is not a working day; the next one is" in body
    past = as_leader.post("/tasks/new", data=_form(owner, today() - timedelta(days=1), token="tap-2"))
    assert past.status_code == 422 and "The deadline cannot be in the past." in past.get_data(as_text=True)


def test_a_progress_percentage_outside_0_to_100_is_refused(app, assign, owner):
    task = db.session.get(ActionItem, assign())
    response = _move(_sign_in(app, owner), task, "progress", "半", "150")
    assert response.status_code == 422 and "Number must be between 0 and 100." in response.get_data(as_text=True)


def test_each_person_sees_only_tasks_they_own_or_assigned(app, assign, make_user, owner, leader):
    task_id = assign()
    stranger = make_user(Role.LEADER, name="Other Leader")
    as_stranger = _sign_in(app, stranger)
    assert as_stranger.get(f"/actions/{task_id}").status_code == 404
    assert "客户检测报告模板" not in as_stranger.get("/tasks/").get_data(as_text=True)
    assert "客户检测报告模板" in _sign_in(app, owner).get("/tasks/").get_data(as_text=True)
    assert "客户检测报告模板" in _sign_in(app, leader).get("/tasks/").get_data(as_text=True)


def test_the_list_filters_by_source_and_pages_in_constant_queries(app, assign, leader, count_queries):
    as_leader = _sign_in(app, leader)
    assign("来自请求", source="request")
    assign("领导交办", source="leadership")
    body = as_leader.get("/tasks/?source=request").get_data(as_text=True)
    assert "来自请求" in body and "领导交办" not in body

    def queries_for_list() -> int:
        with count_queries() as counter:
            assert as_leader.get("/tasks/").status_code == 200
        return counter.count
    few = queries_for_list()
    for n in range(40):
        assign(f"任务 {n}")
    assert queries_for_list() == few
    second = as_leader.get("/tasks/?page=2").get_data(as_text=True)
    assert len(re.findall(r'href="/actions/\d+"', second)) == 12  # 42 tasks, 30 a page


def test_the_overview_and_the_home_card_count_what_the_leader_assigned(app, assign, leader, owner):
    late = db.session.get(ActionItem, assign("逾期任务"))
    late.deadline = today() - timedelta(days=2)
    db.session.commit()
    assign("按期任务")
    as_leader = _sign_in(app, leader)
    overview = as_leader.get("/tasks/overview").get_data(as_text=True)
    assert "Overdue (1)" in overview and "On track (1)" in overview and "Waiting for your acceptance (0)" in overview
    assert overview.index("逾期任务") < overview.index("按期任务")
    home = as_leader.get("/").get_data(as_text=True)
    assert "You assigned: 1 overdue, 0 waiting for your acceptance, 1 on track" in home
    assert "2 tasks for you" in _sign_in(app, owner).get("/").get_data(as_text=True)


def test_a_meeting_action_item_is_a_task_from_the_liaison_meeting(app, assign, make_user, owner, quality):
    """One model: the meeting's action items are listed on /tasks/ with their meeting, filterable by source."""
    office = make_user(Role.OFFICE, name="Office Wang")
    meeting = Meeting(starts_at=utcnow() - timedelta(days=7), place="301", status="closed")
    db.session.add(meeting)
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, kind="need", title="检测报告谁负责", department_id=quality.id)
    db.session.add(item)
    db.session.flush()
    db.session.add(ActionItem(item_id=item.id, meeting_id=meeting.id, task="建立答复流程", owner_id=owner.id,
                              department_id=quality.id, deadline=today(), acceptance="流程发布",
                              created_by_id=office.id))
    db.session.commit()
    assign("领导交办")
    as_office = _sign_in(app, office)
    from_meeting = as_office.get("/tasks/?source=meeting").get_data(as_text=True)
    assert "建立答复流程" in from_meeting and "from the meeting of" in from_meeting and "领导交办" not in from_meeting
    everything = as_office.get("/tasks/").get_data(as_text=True)
    assert "建立答复流程" in everything and "领导交办" in everything and "leadership instruction" in everything


def test_the_overview_shows_a_slice_of_a_big_group_and_links_to_the_rest(app, assign, leader, monkeypatch):
    monkeypatch.setattr(task_queries, "OVERVIEW_LIMIT", 2)
    for n in range(3):
        assign(f"任务 {n}")
    body = _sign_in(app, leader).get("/tasks/overview").get_data(as_text=True)
    assert "On track (3)" in body and body.count('href="/actions/') == 2 and "All 3 in the list" in body


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_kept_and_shown_only_to_who_sees_the_task(app, leader, owner, deadline,
                                                                          make_user):
    as_leader = _sign_in(app, leader)
    refused = as_leader.post("/tasks/new", content_type="multipart/form-data", data={
        **_form(owner, deadline, title="带附件"), "files": [(io.BytesIO(b"MZ not a document"), "tool.exe")]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Only PDF, Word, Excel or PowerPoint files" in body  # no photos
    assert 'value="带附件"' in body and db.session.scalar(select(func.count()).select_from(ActionItem)) == 0
    response = as_leader.post("/tasks/new", content_type="multipart/form-data", data={
        **_form(owner, deadline, token="tap-9"), "files": [(io.BytesIO(PDF), "../检测计划.pdf")]})
    assert response.status_code == 303
    page = _sign_in(app, owner).get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/tasks/files/\d+)">检测计划.pdf<', page).group(1)
    download = _sign_in(app, owner).get(link)
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    assert _sign_in(app, make_user(name="Someone Else")).get(link).status_code == 404
