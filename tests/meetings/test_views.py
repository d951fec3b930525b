"""The meeting pages as office and liaisons use them: scheduling, items, permissions, conflicts, order."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.meetings import live
from app.meetings.models import AgendaItem, Meeting
from app.notifications.models import Notification
from app.timeutil import to_local, today
from tests import PARTIAL
from tests.htmlcheck import html_problems


def item_post(prefix, title="线体改造需要临时工", version=None, **extra):
    data = {f"{prefix}-kind": "need", f"{prefix}-title": title, f"{prefix}-details": "细节 🙂",
            f"{prefix}-urgency": "high", f"{prefix}-addressed_to_id": "0", f"{prefix}-minutes_budget": "10"}
    if version is not None:
        data[f"{prefix}-version"] = str(version)
    data.update({f"{prefix}-{k}": v for k, v in extra.items()})
    return data


def test_office_schedules_next_weeks_meeting_in_one_click(client, login_as, thursday_meeting):
    login_as(Role.OFFICE)
    page = client.get("/meetings/").get_data(as_text=True)
    expected = to_local(thursday_meeting.starts_at) + timedelta(days=7)
    assert expected.date().isoformat() in page and "Room 301" in page
    response = client.post("/meetings/new", data={"day": expected.date().isoformat(),
                                                  "time": expected.strftime("%H:%M"), "place": "Room 301"})
    assert response.status_code == 303
    newest = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert to_local(newest.starts_at).replace(tzinfo=None) == expected.replace(tzinfo=None)


def test_liaison_sees_meetings_but_cannot_schedule(client, login_as, meeting):
    login_as(Role.LIAISON)
    assert "Schedule the next meeting" not in client.get("/meetings/").get_data(as_text=True)
    assert client.post("/meetings/new", data={}).status_code == 403


def test_detail_page_has_the_layout_and_the_poll(client, login_as, prod, meeting, add_item):
    add_item(meeting, login_as(Role.LIAISON, department=prod), title="空调 <b>坏了</b>")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<nav" in page and 'id="meeting-live"' in page and 'id="live-poll"' in page
    assert "空调 &lt;b&gt;坏了&lt;/b&gt;" in page
    assert f"since={live.revisions(meeting.id).revision}" in page


def test_liaison_adds_an_item_for_their_own_department(client, login_as, prod, hr, meeting):
    liaison = login_as(Role.LIAISON, department=prod)
    response = client.post(f"/meetings/{meeting.id}/items", data=item_post("new", department_id=str(hr.id)),
                           headers=PARTIAL)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="new-item"' in body and "<nav" not in body
    assert response.headers["HX-Trigger"] == "meeting-changed"  # this screen polls at once
    item = db.session.scalar(select(AgendaItem))
    assert item.department_id == liaison.department_id and item.details == "细节 🙂"


def test_item_title_is_limited_and_input_is_kept(client, login_as, meeting):
    login_as(Role.LIAISON)
    response = client.post(f"/meetings/{meeting.id}/items", data=item_post("new", title="长" * 121),
                           headers=PARTIAL)
    assert response.status_code == 422
    assert "长" * 121 in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_edit_form_is_a_fragment_or_a_page(client, login_as, meeting, add_item):
    item = add_item(meeting, login_as(Role.LIAISON))
    fragment = client.get(f"/meetings/items/{item.id}/edit", headers=PARTIAL).get_data(as_text=True)
    assert f'hx-target="#item-{item.id}-edit"' in fragment and "<nav" not in fragment
    page = client.get(f"/meetings/items/{item.id}/edit").get_data(as_text=True)
    assert "<nav" in page and f'name="item{item.id}-version" type="hidden" value="1"' in page


def test_liaison_cannot_edit_another_departments_item(client, login_as, prod_liaison, hr, meeting, add_item):
    item = add_item(meeting, prod_liaison)
    login_as(Role.LIAISON, department=hr)
    assert client.get(f"/meetings/items/{item.id}/edit").status_code == 403
    response = client.post(f"/meetings/items/{item.id}", data=item_post(f"item{item.id}", "改", version=1))
    assert response.status_code == 403
    assert db.session.get(AgendaItem, item.id).title != "改"


def test_save_redraws_the_item_and_empties_the_edit_slot(client, login_as, meeting, add_item):
    item = add_item(meeting, login_as(Role.LIAISON))
    response = client.post(f"/meetings/items/{item.id}", data=item_post(f"item{item.id}", "新标题", version=1),
                           headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith("{#") is False and f'<hx-partial hx-target="#item-{item.id}-view"' in body
    assert "新标题" in body and db.session.get(AgendaItem, item.id).version == 2


def test_second_save_of_the_same_version_gets_a_conflict_and_keeps_its_text(client, login_as, prod, meeting,
                                                                           add_item):
    office = login_as(Role.OFFICE, name="Office Wang")
    item = add_item(meeting, office, title="原标题", department_id=prod.id)
    first = client.post(f"/meetings/items/{item.id}", headers=PARTIAL,
                        data=item_post(f"item{item.id}", "办公室改的", version=1,
                                       department_id=str(item.department_id)))
    assert first.status_code == 200
    client.post("/logout")
    login_as(Role.LIAISON, department=prod)
    second = client.post(f"/meetings/items/{item.id}", data=item_post(f"item{item.id}", "联络员改的", version=1),
                         headers=PARTIAL)
    body = second.get_data(as_text=True)
    assert second.status_code == 409 and second.headers["HX-Trigger"] == "meeting-changed"
    assert "Someone else saved this item" in body and "办公室改的" in body and "Office Wang" in body
    assert body.count("<dt>") == 1 and "<dt>Title</dt>" in body  # the one field they changed
    assert 'value="联络员改的"' in body
    assert db.session.get(AgendaItem, item.id).title == "办公室改的"
    # The note is focused (htmx scrolls it into view) and announced; Save is replaced by two other actions.
    assert 'class="conflict" role="alert" tabindex="-1" autofocus' in body
    assert "Use my version (replaces theirs)" in body and "Take theirs" in body and ">Save</button>" not in body
    # The natural second tap on Save (the same form, read at version 1) never replaces theirs.
    again = client.post(f"/meetings/items/{item.id}", data=item_post(f"item{item.id}", "联络员改的", version=1),
                        headers=PARTIAL)
    assert again.status_code == 409 and db.session.get(AgendaItem, item.id).title == "办公室改的"
    # "Use my version" replaces the version shown in the conflict, and Office Wang is told.
    mine = {**item_post(f"item{item.id}", "联络员改的", version=1), "resolve": "mine", "theirs_version": "2"}
    third = client.post(f"/meetings/items/{item.id}", data=mine, headers=PARTIAL)
    assert third.status_code == 200 and db.session.get(AgendaItem, item.id).title == "联络员改的"
    told = db.session.scalars(select(Notification.message).where(Notification.user_id == office.id)).all()
    assert any("replaced your version of the agenda item “办公室改的”" in message for message in told)


def test_a_form_without_its_version_is_refused(client, login_as, meeting, add_item):
    item = add_item(meeting, login_as(Role.LIAISON), title="原标题")
    response = client.post(f"/meetings/items/{item.id}", data=item_post(f"item{item.id}", "无版本"))
    assert response.status_code == 422 and "out of date" in response.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id).title == "原标题"


def test_saving_into_a_closed_meeting_explains_and_keeps_the_text(client, login_as, meeting, add_item):
    item = add_item(meeting, login_as(Role.LIAISON))
    meeting = db.session.get(Meeting, meeting.id)
    meeting.status = "closed"
    db.session.commit()
    response = client.post(f"/meetings/items/{item.id}", data=item_post(f"item{item.id}", "太晚了", version=1),
                           headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "This meeting is closed" in body and "太晚了" in body


def test_only_the_office_orders_the_agenda(client, login_as, meeting, add_item):
    liaison = login_as(Role.LIAISON)
    add_item(meeting, liaison, title="一")
    second = add_item(meeting, liaison, title="二")
    assert client.post(f"/meetings/items/{second.id}/move", data={"direction": "up"}).status_code == 403
    client.post("/logout")
    login_as(Role.OFFICE)
    response = client.post(f"/meetings/items/{second.id}/move", data={"direction": "up"}, headers=PARTIAL)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "meeting-changed"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert page.index(">二<") < page.index(">一<")


def test_group_by_department_shows_totals(client, login_as, prod_liaison, hr_liaison, meeting, add_item):
    add_item(meeting, prod_liaison, title="一", minutes_budget=10)
    add_item(meeting, hr_liaison, title="二", minutes_budget=5)
    add_item(meeting, prod_liaison, title="三", minutes_budget=15)
    login_as(Role.OFFICE)
    page = client.get(f"/meetings/{meeting.id}?group=department").get_data(as_text=True)
    assert "total 30 min" in page and "total 25 min" in page and "total 5 min" in page
    assert "group=department" in page.split('id="live-poll"')[1].split(">")[0]


def test_only_the_office_records_outcomes_and_assigns(client, login_as, meeting, add_item):
    item = add_item(meeting, login_as(Role.LIAISON))
    assert client.get(f"/meetings/items/{item.id}/outcome").status_code == 403
    assert client.post(f"/meetings/items/{item.id}/actions").status_code == 403


def test_office_records_outcome(client, login_as, prod_liaison, meeting, add_item):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    prefix = f"outcome{item.id}"
    response = client.post(f"/meetings/items/{item.id}/outcome", headers=PARTIAL, data={
        f"{prefix}-outcome": "HR 立即招聘", f"{prefix}-decision": "批准", f"{prefix}-status": "discussed",
        f"{prefix}-version": "1"})
    assert response.status_code == 200 and "HR 立即招聘" in response.get_data(as_text=True)
    stored = db.session.get(AgendaItem, item.id)
    assert (stored.outcome, stored.decision, stored.status) == ("HR 立即招聘", "批准", "discussed")


def action_post(item, owner_id, deadline, acceptance="20人到岗", task="招聘临时工"):
    prefix = f"action{item.id}"
    return {f"{prefix}-task": task, f"{prefix}-owner_id": str(owner_id), f"{prefix}-deadline": deadline,
            f"{prefix}-acceptance": acceptance}


def test_assigning_an_action_item_needs_owner_deadline_and_criterion(client, login_as, prod_liaison, hr_liaison,
                                                                     make_user, meeting, add_item):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    url = f"/meetings/items/{item.id}/actions"
    tomorrow = (today() + timedelta(days=1)).isoformat()
    cases = [
        (action_post(item, hr_liaison.id, (today() - timedelta(days=1)).isoformat()), "cannot be in the past"),
        (action_post(item, hr_liaison.id, tomorrow, acceptance=""), "Say how the office will check"),
        (action_post(item, make_user(name="Nobody's").id, tomorrow), "belongs to no department"),
        (action_post(item, 0, tomorrow), "Choose an owner"),
    ]
    for data, message in cases:
        response = client.post(url, data=data, headers=PARTIAL)
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
        assert "招聘临时工" in response.get_data(as_text=True)
    response = client.post(url, data=action_post(item, hr_liaison.id, tomorrow), headers=PARTIAL)
    assert response.status_code == 200 and "招聘临时工" in response.get_data(as_text=True)


def test_the_poll_answers_204_then_the_changed_item(client, login_as, prod_liaison, meeting, add_item):
    item = add_item(meeting, prod_liaison, title="原")
    login_as(Role.OFFICE)
    revision = live.revisions(meeting.id).revision
    assert client.get(f"/meetings/{meeting.id}/changes?since={revision}").status_code == 204
    client.post(f"/meetings/items/{item.id}", headers=PARTIAL,
                data=item_post(f"item{item.id}", "改了", version=1, department_id=str(item.department_id)))
    response = client.get(f"/meetings/{meeting.id}/changes?since={revision}", headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<hx-partial hx-target="#item-{item.id}-view"' in body and "highlight" in body and "改了" in body
    assert f"since={revision + 1}" in body and '<hx-partial hx-target="#meeting-live"' not in body


def test_a_poll_asked_again_with_its_tag_is_304_until_the_next_change(client, login_as, prod_liaison, meeting,
                                                                       add_item):
    item = add_item(meeting, prod_liaison, title="原")
    login_as(Role.OFFICE)
    since = live.revisions(meeting.id).revision - 1
    url = f"/meetings/{meeting.id}/changes?since={since}"
    first = client.get(url, headers=PARTIAL)
    assert first.status_code == 200 and "原" in first.get_data(as_text=True)
    again = client.get(url, headers={**PARTIAL, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    client.post(f"/meetings/items/{item.id}", headers=PARTIAL,
                data=item_post(f"item{item.id}", "改了", version=1, department_id=str(item.department_id)))
    after = client.get(url, headers={**PARTIAL, "If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and "改了" in after.get_data(as_text=True)
    # Nothing new stays the bare 204 of one query, never a tagged page.
    latest = live.revisions(meeting.id).revision
    nothing = client.get(f"/meetings/{meeting.id}/changes?since={latest}", headers=PARTIAL)
    assert nothing.status_code == 204 and "ETag" not in nothing.headers


def test_the_poll_appends_new_items_without_redrawing_the_agenda(client, login_as, prod_liaison, meeting, add_item):
    add_item(meeting, prod_liaison, title="旧", minutes_budget=5)
    login_as(Role.OFFICE)
    revision = live.revisions(meeting.id).revision
    new = add_item(meeting, prod_liaison, title="新", minutes_budget=10)
    body = client.get(f"/meetings/{meeting.id}/changes?since={revision}").get_data(as_text=True)
    assert '<hx-partial hx-target="#agenda-list" hx-swap="beforeend">' in body and f'id="item-{new.id}"' in body
    assert "2 items · total 15 min" in body and "旧" not in body and 'id="meeting-live"' not in body
    grouped = client.get(f"/meetings/{meeting.id}/changes?since={revision}&group=department").get_data(as_text=True)
    assert '<hx-partial hx-target="#meeting-live"' in grouped


def test_the_poll_redraws_the_agenda_when_the_order_or_status_changes(client, login_as, prod_liaison, meeting,
                                                                      add_item):
    add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    revision = live.revisions(meeting.id).revision
    client.post(f"/meetings/{meeting.id}/status", data={"move": "start"})
    body = client.get(f"/meetings/{meeting.id}/changes?since={revision}").get_data(as_text=True)
    assert '<hx-partial hx-target="#meeting-live"' in body and "in progress" in body
    # Edit slots survive the redraw, so what someone is typing stays.
    assert 'class="item-edit" hx-preserve' in body


def test_presence_names_the_liaisons_on_the_page(client, login_as, prod, hr, meeting):
    login_as(Role.LIAISON, department=hr, name="HR Liaison")
    client.post(f"/meetings/{meeting.id}/presence")
    client.post("/logout")
    login_as(Role.OFFICE, name="Office Wang")
    client.post(f"/meetings/{meeting.id}/presence")
    client.post("/logout")
    login_as(Role.LIAISON, department=prod, name="Prod Liaison")
    body = client.post(f"/meetings/{meeting.id}/presence").get_data(as_text=True)
    assert "HR Liaison" in body and "Prod Liaison" in body
    assert "Office Wang" not in body and "and 1 other person" in body


def test_attendance_with_a_substitute_needs_a_name(client, login_as, prod, meeting):
    login_as(Role.OFFICE)
    url = f"/meetings/{meeting.id}/attendance"
    response = client.post(url, data={f"status-{prod.id}": "substitute", f"substitute-{prod.id}": ""})
    assert response.status_code == 422 and "Name the person" in response.get_data(as_text=True)
    assert client.post(url, data={f"status-{prod.id}": "substitute",
                                  f"substitute-{prod.id}": "赵敏"}).status_code == 303
    assert "赵敏" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_csrf_protects_adding_an_item(app, client, login_as, meeting):
    login_as(Role.LIAISON)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/meetings/{meeting.id}/items", data=item_post("new")).status_code == 400
        page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        token = page.split('"X-CSRFToken": "')[1].split('"')[0]
        response = client.post(f"/meetings/{meeting.id}/items", data=item_post("new"), headers={"X-CSRFToken": token})
        assert response.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_chinese_reader_sees_the_agenda_in_chinese(client, login_as, prod, meeting, add_item):
    add_item(meeting, login_as(Role.LIAISON, department=prod, locale="zh_CN"), title="空调")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for chinese in ("部门联络员会议", "议程", "添加议题", "生产部", "征集议题中", "督办"):
        assert chinese in page, chinese
    for english in ("Agenda", "Add an agenda item", "collecting items", "Follow-up"):
        assert english not in page, english


def test_a_conflict_shows_every_field_they_changed(client, login_as, prod, hr, meeting, add_item):
    office = login_as(Role.OFFICE)
    item = add_item(meeting, office, title="原标题", urgency="high", minutes_budget=10, details="细节 🙂",
                    department_id=prod.id)
    client.post(f"/meetings/items/{item.id}", headers=PARTIAL, data=item_post(
        f"item{item.id}", "原标题", version=1, department_id=str(item.department_id), urgency="urgent",
        minutes_budget="20", addressed_to_id=str(hr.id)))
    client.post("/logout")
    login_as(Role.LIAISON, department=prod)
    response = client.post(f"/meetings/items/{item.id}", headers=PARTIAL,
                           data=item_post(f"item{item.id}", "联络员改的标题", version=1))
    body = response.get_data(as_text=True)
    note = body.split('class="conflict"')[1].split("<form")[0]
    assert response.status_code == 409
    for shown in ("<dt>Title</dt>", "原标题", "<dt>Urgency</dt>", "urgent", "(yours: high)",
                  "<dt>Addressed to</dt>", "Human Resources", "(yours: — nobody in particular —)",
                  "<dt>Time budget (minutes)</dt>", "20 min", "(yours: 10 min)"):
        assert shown in note, shown
    assert "<dt>Kind</dt>" not in note and "<dt>Details</dt>" not in note  # the same on both sides
    assert 'value="联络员改的标题"' in body  # their own text stays in the form


def test_the_office_saving_an_outcome_does_not_stale_a_liaisons_edit(client, login_as, prod, meeting, add_item):
    office = login_as(Role.OFFICE)
    item = add_item(meeting, office, title="原标题", department_id=prod.id)
    # Production's liaison has the item's edit form open, read at version 1, while the office saves the outcome.
    prefix = f"outcome{item.id}"
    opened = client.get(f"/meetings/items/{item.id}/outcome", headers=PARTIAL).get_data(as_text=True)
    assert f'name="{prefix}-version" type="hidden" value="1"' in opened
    saved = client.post(f"/meetings/items/{item.id}/outcome", headers=PARTIAL, data={
        f"{prefix}-outcome": "HR 负责", f"{prefix}-decision": "", f"{prefix}-status": "discussed",
        f"{prefix}-version": "1"})
    assert saved.status_code == 200
    client.post("/logout")
    login_as(Role.LIAISON, department=prod)
    edit = client.post(f"/meetings/items/{item.id}", headers=PARTIAL,
                       data=item_post(f"item{item.id}", "联络员改的", version=1))
    assert edit.status_code == 200
    stored = db.session.get(AgendaItem, item.id)
    assert (stored.title, stored.outcome) == ("联络员改的", "HR 负责")


def test_two_outcome_saves_conflict_and_show_what_the_other_wrote(client, login_as, meeting, prod_liaison, add_item):
    item = add_item(meeting, prod_liaison)
    prefix = f"outcome{item.id}"

    def save(outcome):
        return client.post(f"/meetings/items/{item.id}/outcome", headers=PARTIAL, data={
            f"{prefix}-outcome": outcome, f"{prefix}-decision": "批准", f"{prefix}-status": "discussed",
            f"{prefix}-version": "1"})

    login_as(Role.OFFICE)
    assert save("HR 负责").status_code == 200
    client.post("/logout")
    login_as(Role.OFFICE, name="Office Li")
    second = save("行政负责")
    note = second.get_data(as_text=True).split('class="conflict"')[1].split("<form")[0]
    assert second.status_code == 409 and "outcome while you were editing" in note
    assert "<dt>Outcome notes</dt>" in note and "HR 负责" in note and "<dt>Decision</dt>" not in note
    # The merge view: both texts side by side.
    assert '<span class="merge-label">Theirs</span><p>HR 负责</p>' in note
    assert '<span class="merge-label">Yours</span><p>行政负责</p>' in note


def test_the_totals_follow_an_edited_time_budget(client, login_as, prod, hr_liaison, meeting, add_item):
    prod_liaison = login_as(Role.LIAISON, department=prod)
    item = add_item(meeting, prod_liaison, title="一", minutes_budget=10)
    add_item(meeting, hr_liaison, title="二", minutes_budget=5)
    revision = live.revisions(meeting.id).revision
    saved = client.post(f"/meetings/items/{item.id}", headers=PARTIAL,
                        data=item_post(f"item{item.id}", "一", version=1, minutes_budget="30"))
    assert '<hx-partial hx-target="#agenda-summary"' in saved.get_data(as_text=True)
    assert "2 items · total 35 min" in saved.get_data(as_text=True)
    # Every other screen: the summary, and in the grouped view each department's total.
    body = client.get(f"/meetings/{meeting.id}/changes?since={revision}").get_data(as_text=True)
    assert "2 items · total 35 min" in body and 'id="meeting-live"' not in body
    grouped = client.get(f"/meetings/{meeting.id}/changes?since={revision}&group=department").get_data(as_text=True)
    assert f'<hx-partial hx-target="#group-{prod_liaison.department_id}-total"' in grouped
    assert "total 30 min" in grouped and "total 5 min" in grouped
    page = client.get(f"/meetings/{meeting.id}?group=department").get_data(as_text=True)
    assert f'id="group-{prod_liaison.department_id}-total">total 30 min' in page


def test_an_assigned_item_shows_as_discussed_on_every_screen(client, login_as, prod_liaison, hr_liaison, meeting,
                                                             add_item):
    item = add_item(meeting, prod_liaison)
    login_as(Role.OFFICE)
    revision = live.revisions(meeting.id).revision
    saved = client.post(f"/meetings/items/{item.id}/actions", headers=PARTIAL,
                        data=action_post(item, hr_liaison.id, (today() + timedelta(days=3)).isoformat()))
    assert saved.status_code == 200 and "badge-item-discussed" in saved.get_data(as_text=True)
    client.post("/logout")
    login_as(Role.LIAISON)
    body = client.get(f"/meetings/{meeting.id}/changes?since={revision}").get_data(as_text=True)
    assert f'<hx-partial hx-target="#item-{item.id}-view"' in body and "badge-item-discussed" in body


def test_closing_removes_the_add_form_from_open_screens(client, login_as, meeting, add_item):
    add_item(meeting, login_as(Role.LIAISON))
    assert 'id="new-item"' in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    revision = live.revisions(meeting.id).revision
    client.post("/logout")
    login_as(Role.OFFICE)
    client.post(f"/meetings/{meeting.id}/status", data={"move": "close", "attendance": "accepted"})
    client.post("/logout")
    login_as(Role.LIAISON)  # another liaison's screen, opened before the close
    body = client.get(f"/meetings/{meeting.id}/changes?since={revision}").get_data(as_text=True)
    replaced = body.split('<hx-partial hx-target="#new-item" hx-swap="outerHTML">')[1].split("</hx-partial>")[0]
    assert "This meeting is closed; new items go on the next meeting" in replaced and "<form" not in replaced


def test_an_agenda_redraw_while_open_leaves_the_add_form_alone(client, login_as, prod_liaison, meeting, add_item):
    """What someone is typing into the add form survives the office starting the meeting."""
    add_item(meeting, prod_liaison)
    revision = live.revisions(meeting.id).revision
    login_as(Role.OFFICE)
    client.post(f"/meetings/{meeting.id}/status", data={"move": "start"})
    body = client.get(f"/meetings/{meeting.id}/changes?since={revision}").get_data(as_text=True)
    assert '<hx-partial hx-target="#meeting-live"' in body and 'hx-target="#new-item"' not in body


def test_adding_to_a_meeting_that_closed_meanwhile_keeps_the_text(client, login_as, meeting):
    meeting.status = "closed"
    db.session.commit()
    login_as(Role.LIAISON)
    response = client.post(f"/meetings/{meeting.id}/items", data=item_post("new", title="晚到的议题"),
                           headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "This meeting is closed" in body and 'value="晚到的议题"' in body


def test_only_the_office_and_liaisons_speak_at_the_meeting(client, login_as, prod, meeting):
    """The real rule: the blueprint's guard keeps out everyone but the office and liaisons, and among
    them `Viewer.can_add` lets only the office and those with a department add items."""
    login_as(Role.EMPLOYEE, department=prod)  # a clerk of a department, not its liaison
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/items", data=item_post("new")).status_code == 403
    client.post("/logout")
    liaison = login_as(Role.LIAISON)
    liaison.department_id = None  # a liaison whose department was taken away
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Add an agenda item" not in page
    response = client.post(f"/meetings/{meeting.id}/items", data=item_post("new"), headers=PARTIAL)
    assert response.status_code == 422 and "Only the office and department liaisons add" in response.get_data(True)
    client.post("/logout")
    login_as(Role.OFFICE)  # the office needs no department of its own: it names the raising one
    response = client.post(f"/meetings/{meeting.id}/items", data=item_post("new", department_id=str(prod.id)),
                           headers=PARTIAL)
    assert response.status_code == 200
    assert [i.department_id for i in db.session.scalars(select(AgendaItem))] == [prod.id]


def test_a_refused_move_shows_its_message_in_the_same_answer(client, login_as, meeting, add_item):
    """The move buttons swap nothing (the poll redraws the order), so the message must come with the
    answer itself, not wait for the next full page."""
    first = add_item(meeting, login_as(Role.LIAISON), title="一")
    meeting = db.session.get(Meeting, meeting.id)
    meeting.status = "closed"
    db.session.commit()
    client.post("/logout")
    login_as(Role.OFFICE)
    response = client.post(f"/meetings/items/{first.id}/move", data={"direction": "down"}, headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'hx-target="#flash"' in body and "This meeting is closed" in body
    # Shown once: the next page does not repeat it.
    assert "This meeting is closed; its minutes" not in client.get("/meetings/").get_data(as_text=True)


def _more_url(body: str, endpoint: str) -> str | None:
    """The address of the "show more" button at the end of a list, None when the list is whole."""
    found = re.search(rf'hx-get="(/meetings/\d+/{endpoint}\?[^"]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def _follow_pages(client, body: str, endpoint: str, row: str) -> tuple[list[str], list[str]]:
    """Every page "show more" brings after `body`, in order: (the rows' ids, the answers)."""
    ids, answers = [], []
    while (url := _more_url(body, endpoint)) is not None:
        body = client.get(url, headers=PARTIAL).get_data(as_text=True)
        answers.append(body)
        ids += re.findall(rf'<li id="({row}-\d+)"', body)
    return ids, answers


def test_a_big_agenda_draws_its_first_items_and_the_rest_a_page_at_a_time(client, login_as, office_user,
                                                                        prod_liaison, hr, make_meeting, add_item,
                                                                        assign, monkeypatch):
    """Issue 18: the first load draws the first AGENDA_FIRST items and FOLLOWUPS_FIRST follow-ups. Issue 12:
    the rest come a page at a time ("show more"), in agenda and deadline order, each row once, until all are
    drawn; an item added after the screen was drawn comes through the poll, not again in a page."""
    from app.meetings import queries
    for name, size in (("AGENDA_FIRST", 4), ("AGENDA_MORE", 3), ("FOLLOWUPS_FIRST", 3), ("FOLLOWUPS_MORE", 2)):
        monkeypatch.setattr(queries, name, size)
    earlier, meeting = make_meeting(days=-7), make_meeting(days=1)
    source = add_item(earlier, prod_liaison, title="上周议题")
    owner = login_as(Role.LIAISON, department=hr)
    actions = [assign(office_user, source, owner, task=f"跟进事项{n:02d}") for n in range(6)]
    items = [add_item(meeting, prod_liaison, title=f"议题{n:02d}") for n in range(9)]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    agenda, follow = page.split('id="followups"')
    assert re.findall(r'<li id="(item-\d+)"', agenda) == [f"item-{i.id}" for i in items[:4]]
    assert "Show 3 more" in agenda and "4 of 9 shown" in agenda
    assert follow.count('class="row-card"') == 3 and "(6)" in follow and "Show 2 more" in follow

    late = add_item(meeting, prod_liaison, title="会上新加的议题")
    ids, pages = _follow_pages(client, agenda, "agenda", "item")
    assert ids == [f"item-{i.id}" for i in items[4:]] and len(pages) == 2
    assert "7 of 9 shown" in pages[0] and "Show 2 more" in pages[0] and "list-more" not in pages[-1]
    assert "<html" not in pages[0] and "会上新加的议题" not in "".join(pages)
    revision = re.search(r"since=(\d+)", page).group(1)
    poll = client.get(f"/meetings/{meeting.id}/changes?since={revision}", headers=PARTIAL).get_data(as_text=True)
    assert f'id="item-{late.id}"' in poll

    rows, follow_pages = _follow_pages(client, follow, "followups", "action")
    drawn = re.findall(r'<li id="(action-\d+)"', follow) + rows
    ordered = sorted(actions, key=lambda a: (a.deadline, a.id))
    assert drawn == [f"action-{a.id}" for a in ordered] and len(follow_pages) == 2
    assert "5 of 6 shown" in follow_pages[0] and "list-more" not in follow_pages[-1]
    assert html_problems(page) == [] and all(html_problems(p) == [] for p in pages + follow_pages)
    # The agenda grouped by department is a choice made to see everything: it is drawn whole.
    grouped = client.get(f"/meetings/{meeting.id}?group=department").get_data(as_text=True)
    agenda = grouped.split('id="followups"')[0]
    assert agenda.count('class="agenda-item') == 10 and "list-more" not in agenda


def test_the_list_shows_each_meetings_time_items_and_minutes_in_the_readers_language(client, login_as, prod,
                                                                                     make_meeting, add_item):
    upcoming, closed = make_meeting(days=7), make_meeting(days=-7, status="closed")
    add_item(upcoming, login_as(Role.LIAISON, department=prod), title="空调")
    client.post("/logout")
    login_as(Role.OFFICE, locale="en")
    page = client.get("/meetings/").get_data(as_text=True)
    start = to_local(upcoming.starts_at)
    assert (f'<a href="/meetings/{upcoming.id}"><strong>{start:%a %Y-%m-%d} 09:00</strong></a>' in page
            and "Room 301 · 1 item</span>" in page and "Room 301 · 0 items</span>" in page)
    assert f'<a href="/meetings/{closed.id}/minutes">Minutes</a>' in page
    assert f'href="/meetings/{upcoming.id}/minutes"' not in page
    client.post("/logout")
    login_as(Role.OFFICE, locale="zh_CN")
    weekday = "一二三四五六日"[start.weekday()]
    assert f"<strong>周{weekday} {start:%Y-%m-%d} 09:00</strong>" in client.get("/meetings/").get_data(as_text=True)


def test_the_list_costs_the_same_statements_however_many_meetings_were_closed(client, login_as, make_meeting,
                                                                             make_user, count_queries):
    login_as(Role.OFFICE)

    def statements(closed: int) -> int:
        for days in range(closed):
            meeting = make_meeting(days=-7 * (days + 1), status="closed")
            meeting.closed_by_id = make_user(Role.OFFICE).id  # each by someone else, whom the list never names
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/meetings/").status_code == 200
        return counter.count
    assert statements(1) == statements(5)
