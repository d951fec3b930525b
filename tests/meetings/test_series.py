"""Meeting series: besides the liaison meeting, a project coordination group (专项项目协同小组) with named
members runs its own meetings with the same live agenda, notices, attendance and minutes; only its members
and the office see them."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from app.notifications.models import Notification
from app.timeutil import today
from tests.conftest import PASSWORD


def _sign_in(client, user) -> None:
    client.post("/logout")
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303


@pytest.fixture
def members(make_user, make_department, prod):
    """Four members of the group from different departments: a liaison and three employees."""
    rd = make_department("RD", "研发部", "R&D")
    qa = make_department("QA", "质量部", "Quality")
    pur = make_department("PUR", "采购部", "Purchasing")
    return [make_user(Role.LIAISON, department=prod, name="Prod Liaison"),
            make_user(department=rd, name="Engineer Zhou"), make_user(department=qa, name="Inspector Wu"),
            make_user(department=pur, name="Buyer Sun")]


@pytest.fixture
def group(app, members):
    series = MeetingSeries(name="专项项目协同小组", name_en="Project coordination group", kind="group",
                           members=members)
    db.session.add(series)
    db.session.commit()
    return series


def _schedule(client, series, **extra):
    data = {"series_id": str(series.id), "day": (today() + timedelta(days=3)).isoformat(), "time": "15:00",
            "room_id": "0", "place": "项目室 Project room", **extra}
    return client.post("/meetings/new", data=data)


def _notified(message_part: str) -> set[int]:
    return {n.user_id for n in db.session.scalars(select(Notification)) if message_part in n.message}


def test_the_office_creates_a_group_with_members_and_every_error_shows_at_once(client, login_as, members):
    login_as(Role.OFFICE)
    refused = client.post("/meetings/series/new", data={"name": "", "name_en": "Sync 😀"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "This field is required." in body and "Choose the group&#39;s members." in body
    assert 'value="Sync 😀"' in body
    saved = client.post("/meetings/series/new", data={"name": "专项项目协同小组", "name_en": "Project group",
                                                      "member_ids": [str(m.id) for m in members]})
    assert saved.status_code == 303
    series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.name == "专项项目协同小组"))
    assert series.kind == "group" and {m.id for m in series.members} == {m.id for m in members}
    listing = client.get("/meetings/series").get_data(as_text=True)
    assert "Project group" in listing and "Engineer Zhou" in listing


def test_the_notice_of_a_group_meeting_reaches_exactly_its_members(client, login_as, group, members,
                                                                   hr_liaison):
    office = login_as(Role.OFFICE)
    assert _schedule(client, group).status_code == 303
    meeting = db.session.scalar(select(Meeting).where(Meeting.series_id == group.id))
    assert meeting.place == "项目室 Project room"
    assert _notified("Project coordination group") == {m.id for m in members}
    assert hr_liaison.id not in _notified("") and office.id not in _notified("")


def test_a_member_adds_an_item_and_a_liaison_who_is_not_a_member_gets_404(client, make_meeting, group, members,
                                                                          hr_liaison):
    meeting = make_meeting()
    meeting.series_id = group.id
    db.session.commit()
    engineer = members[1]  # an employee, not a liaison: the group makes the meeting theirs
    _sign_in(client, engineer)
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and "<h1>Project coordination group <small>" in page.get_data(as_text=True)
    added = client.post(f"/meetings/{meeting.id}/items", data={"new-kind": "problem", "new-title": "样机延期 😀",
                                                               "new-urgency": "normal"})
    assert added.status_code in (200, 303)
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    assert item.title == "样机延期 😀" and item.department_id == engineer.department_id
    assert f"/meetings/{meeting.id}" in client.get("/meetings/").get_data(as_text=True)
    # The liaison meeting is not theirs: the group does not make them a liaison.
    liaison_meeting = make_meeting(days=9)
    assert client.get(f"/meetings/{liaison_meeting.id}").status_code == 404
    assert client.get("/meetings/new").status_code == 403

    _sign_in(client, hr_liaison)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.post(f"/meetings/{meeting.id}/items", data={"new-title": "x"}).status_code == 404
    assert client.post(f"/meetings/{meeting.id}/answer", data={"answer": "attend"}).status_code == 404
    assert client.get(f"/meetings/{meeting.id}/minutes").status_code == 404
    # The poll neither confirms that the meeting exists nor says when it last changed.
    assert client.get(f"/meetings/{meeting.id}/changes?since=0").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/changes?since=999999").status_code == 404
    assert f"/meetings/{meeting.id}\"" not in client.get("/meetings/").get_data(as_text=True)


def test_the_meeting_list_filters_by_series(client, login_as, make_meeting, group):
    liaison_meeting, group_meeting = make_meeting(days=5), make_meeting(days=6)
    group_meeting.series_id = group.id
    db.session.commit()
    login_as(Role.OFFICE)
    both = client.get("/meetings/").get_data(as_text=True)
    assert f"/meetings/{liaison_meeting.id}\"" in both and f"/meetings/{group_meeting.id}\"" in both
    only_group = client.get(f"/meetings/?series={group.id}").get_data(as_text=True)
    assert f"/meetings/{group_meeting.id}\"" in only_group and f"/meetings/{liaison_meeting.id}\"" not in only_group


def test_the_minutes_name_the_series_and_list_every_members_attendance(client, login_as, make_meeting, group,
                                                                       members):
    meeting = make_meeting(status="in_progress")
    meeting.series_id = group.id
    db.session.commit()
    login_as(Role.OFFICE)
    liaison, engineer, inspector, buyer = members
    form = {f"status-{liaison.id}": "present", f"status-{engineer.id}": "substitute",
            f"substitute-{engineer.id}": "Deputy Ma", f"status-{inspector.id}": "absent",
            f"status-{buyer.id}": "present"}
    assert client.post(f"/meetings/{meeting.id}/attendance", data=form).status_code == 303
    assert client.post(f"/meetings/{meeting.id}/status", data={"move": "close"}).status_code == 303
    assert db.session.get(Meeting, meeting.id).status == "closed"
    minutes = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Minutes of Project coordination group" in minutes
    for line in ("Prod Liaison · Production: present", "Engineer Zhou · R&amp;D: substitute: Deputy Ma",
                 "Inspector Wu · Quality: absent", "Buyer Sun · Purchasing: present"):
        assert line in minutes, line
    assert "liaison:" not in minutes
    # The minutes' notice went to the members only.
    assert _notified("is closed") == {m.id for m in members}


def test_the_home_card_offers_a_liaison_only_meetings_they_may_open(client, make_meeting, group, hr_liaison):
    group_meeting, liaison_meeting = make_meeting(days=2), make_meeting(days=4)
    group_meeting.series_id = group.id
    db.session.commit()
    _sign_in(client, hr_liaison)
    home = client.get("/").get_data(as_text=True)
    assert f"/meetings/{liaison_meeting.id}\"" in home and f"/meetings/{group_meeting.id}\"" not in home


def test_the_live_screen_names_the_members_present(client, make_meeting, group, members):
    meeting = make_meeting()
    meeting.series_id = group.id
    db.session.commit()
    _sign_in(client, members[1])  # an employee member: named, not merely counted
    body = client.post(f"/meetings/{meeting.id}/presence").get_data(as_text=True)
    assert "Members on this page now:" in body and "Engineer Zhou" in body


def _action(meeting, owner, task):
    item = AgendaItem(meeting_id=meeting.id, kind="need", title=task, department_id=owner.department_id)
    db.session.add(item)
    db.session.flush()
    action = ActionItem(item_id=item.id, meeting_id=meeting.id, task=task, department_id=owner.department_id,
                        owner_id=owner.id, deadline=today() + timedelta(days=5), acceptance="验收")
    db.session.add(action)
    db.session.commit()
    return action


def test_a_groups_action_items_are_listed_only_for_those_who_may_open_its_meeting(client, make_meeting, group,
                                                                                 members, hr_liaison):
    group_meeting, liaison_meeting = make_meeting(), make_meeting(days=9)
    group_meeting.series_id = group.id
    db.session.commit()
    secret = _action(group_meeting, members[1], "样机测试计划")
    shared = _action(liaison_meeting, hr_liaison, "招聘临时工")

    _sign_in(client, hr_liaison)  # a liaison, not in the group
    listed = client.get("/actions/").get_data(as_text=True)
    assert "招聘临时工" in listed and "样机测试计划" not in listed
    assert client.get(f"/actions/{secret.id}").status_code == 404
    assert client.get(f"/actions/{shared.id}").status_code == 200

    _sign_in(client, members[0])  # a liaison in the group sees both
    listed = client.get("/actions/").get_data(as_text=True)
    assert "招聘临时工" in listed and "样机测试计划" in listed
    _sign_in(client, members[1])  # its owner, not a liaison, still has their own item
    assert "样机测试计划" in client.get(f"/actions/{secret.id}").get_data(as_text=True)
