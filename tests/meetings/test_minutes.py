"""Minutes: what they contain, the Markdown and DOCX downloads, amendments after closing."""
import io

from docx import Document
from sqlalchemy import select

from app.auth.roles import Role
from app.auth.services import set_active
from app.extensions import db
from app.meetings import actions, closing, services
from app.meetings.models import ActionItem, AgendaItem, Amendment, Attendance, Meeting


def closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item, assign):
    """Last week's meeting with an open action item, then this week's, run and closed."""
    earlier = make_meeting(days=-7)
    old = assign(office_user, add_item(earlier, prod_liaison, title="旧议题"), hr_liaison, task="旧任务未验收")
    meeting = make_meeting(days=0)
    item = add_item(meeting, prod_liaison, title="下月产线改造需要20名临时工")
    viewer = services.Viewer(office_user, meeting)
    services.record_outcome(viewer, item, "人力资源部立即启动招聘", "批准招聘", "discussed", item.version)
    assign(office_user, item, hr_liaison, task="招聘20名临时工")
    add_item(meeting, prod_liaison, title="来不及讨论")
    db.session.add_all([Attendance(meeting_id=meeting.id, department_id=prod.id, status="present"),
                        Attendance(meeting_id=meeting.id, department_id=hr.id, status="substitute",
                                   substitute="赵敏")])
    db.session.commit()
    closing.change_status(services.Viewer(office_user, db.session.get(Meeting, meeting.id)), "close")
    return meeting, old


def test_minutes_list_attendees_outcomes_actions_and_follow_ups(app, client, login_as, make_meeting, office_user,
                                                                prod_liaison, hr_liaison, prod, hr, add_item, assign):
    meeting, old = closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item, assign)
    login_as(Role.LIAISON)
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Production (liaison: Prod Liaison): present" in page
    assert "Human Resources (liaison: HR Liaison): substitute: 赵敏" in page and "Office: absent" in page
    assert "人力资源部立即启动招聘" in page and "批准招聘" in page
    assert "招聘20名临时工 — owner HR Liaison (Human Resources)" in page and "acceptance: 20人到岗" in page
    assert "来不及讨论" in page and "moved to the next meeting" in page
    followups = page.split("Follow-ups reviewed")[1]
    assert "旧任务未验收" in followups
    assert "Record a correction" not in page  # liaisons read; only the office amends


def test_markdown_and_docx_downloads(app, client, login_as, make_meeting, office_user, prod_liaison, hr_liaison, prod,
                                     hr, add_item, assign):
    meeting, _old = closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item,
                                   assign)
    login_as(Role.OFFICE)
    md = client.get(f"/meetings/{meeting.id}/minutes.md")
    text = md.get_data(as_text=True)
    assert md.mimetype == "text/markdown" and "attachment" in md.headers["Content-Disposition"]
    assert text.startswith("# Minutes of the liaison meeting")
    assert "### 1. 下月产线改造需要20名临时工" in text and "**Outcome:** 人力资源部立即启动招聘" in text
    assert "- 旧任务未验收" in text and "&amp;" not in text
    docx = client.get(f"/meetings/{meeting.id}/minutes.docx")
    assert docx.status_code == 200 and docx.headers["Content-Disposition"].endswith('.docx')
    document = Document(io.BytesIO(docx.data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "下月产线改造需要20名临时工" in paragraphs
    assert "Human Resources (liaison: HR Liaison): substitute: 赵敏" in paragraphs
    assert "Follow-ups reviewed" in paragraphs
    # Action items are tables (事项 / 责任人 / 完成时限 / 验收标准), not one long line each (issue 13, item 18).
    decided, followups = ([[cell.text for cell in row.cells] for row in table.rows] for table in document.tables)
    assert decided[0] == ["What is to be done", "Responsible person", "Deadline", "Acceptance criterion"]
    assert decided[1][0].startswith("招聘20名临时工") and decided[1][1] == "HR Liaison (Human Resources)"
    assert decided[1][3] == "20人到岗" and len(decided[1][2]) == 10  # the deadline as yyyy-mm-dd
    assert followups[1][0].startswith("旧任务未验收")


def test_minutes_in_chinese(app, client, login_as, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr,
                            add_item, assign):
    meeting, _old = closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item,
                                   assign)
    login_as(Role.OFFICE)
    client.post("/language", data={"locale": "zh_CN", "next": "/"})
    text = client.get(f"/meetings/{meeting.id}/minutes.md").get_data(as_text=True)
    assert "会议纪要" in text and "生产部" in text
    header = Document(io.BytesIO(client.get(f"/meetings/{meeting.id}/minutes.docx").data)).tables[0].rows[0]
    assert [cell.text for cell in header.cells] == ["事项", "责任人", "完成时限", "验收标准"]


def test_closed_minutes_take_amendments_with_who_and_when(app, client, login_as, make_meeting, office_user,
                                                          prod_liaison, hr_liaison, prod, hr, add_item, assign):
    meeting, _old = closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item,
                                   assign)
    login_as(Role.OFFICE, name="Office Li")
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Record a correction" in page
    response = client.post(f"/meetings/{meeting.id}/amendments", data={"text": "招聘人数更正为18人"})
    assert response.status_code == 303
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "招聘人数更正为18人" in page and "Office Li" in page
    # The locked content itself is unchanged; the agenda of a closed meeting offers no editing.
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Add an agenda item" not in detail and 'id="live-poll" hidden>' in detail


def test_amendments_are_for_closed_meetings_only(client, login_as, meeting):
    login_as(Role.OFFICE)
    client.post(f"/meetings/{meeting.id}/amendments", data={"text": "太早"})
    assert "Amendments are for closed meetings" in client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert db.session.scalars(select(Amendment)).all() == []


def minutes_text(client, meeting, suffix: str) -> str:
    """The minutes themselves: the Markdown file, or the page's <article> (the header around it has the bell)."""
    text = client.get(f"/meetings/{meeting.id}/minutes{suffix}").get_data(as_text=True)
    return text if suffix else text.split('<article class="minutes">')[1].split("</article>")[0]


def test_closed_minutes_do_not_change_when_action_items_or_liaisons_do(app, client, login_as, make_meeting,
                                                                       office_user, prod_liaison, hr_liaison, prod,
                                                                       hr, make_department, make_user, add_item,
                                                                       assign):
    meeting, _old = closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item,
                                   assign)
    login_as(Role.OFFICE)
    before = {suffix: minutes_text(client, meeting, suffix) for suffix in ("", ".md")}
    # After the close the action item is reported done, Production gets a new liaison, a department is added.
    action = db.session.scalar(select(ActionItem).where(ActionItem.meeting_id == meeting.id))
    actions.make_move(hr_liaison, action, "done", "20人已到岗", action.version)
    set_active(prod_liaison, False)
    make_user(Role.LIAISON, department=prod, name="Successor Liaison")
    make_department("NEW", "新部门", "New department")
    for suffix, text in before.items():
        assert minutes_text(client, meeting, suffix) == text, suffix
    assert "招聘20名临时工 — owner HR Liaison" in before[".md"] and "— open" in before[".md"]
    docx = client.get(f"/meetings/{meeting.id}/minutes.docx")
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "Production (liaison: Prod Liaison): present" in paragraphs and "New department" not in paragraphs
    assert "done, awaiting acceptance" not in paragraphs


def test_draft_minutes_and_the_attendance_form_name_the_current_liaisons(client, login_as, prod_liaison,
                                                                          hr, meeting):
    login_as(Role.OFFICE)
    form = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Liaison: Prod Liaison" in form and "no liaison" in form  # HR has none yet
    draft = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Production (liaison: Prod Liaison): absent" in draft and "Human Resources: absent" in draft


def test_a_control_character_or_markup_stored_in_an_item_breaks_no_download(
        app, client, login_as, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item, assign):
    meeting, _old = closed_meeting(app, make_meeting, office_user, prod_liaison, hr_liaison, prod, hr, add_item,
                                   assign)
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).limit(1))
    # A row written before input was cleaned: a vertical tab and raw HTML in its title.
    item.title = "产线\vretrofit <script>alert(1)</script> # not a heading"
    db.session.commit()
    login_as(Role.LIAISON)
    docx = client.get(f"/meetings/{meeting.id}/minutes.docx")
    assert docx.status_code == 200
    assert "产线retrofit" in "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    markdown = client.get(f"/meetings/{meeting.id}/minutes.md").get_data(as_text=True)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown and "\\# not a heading" in markdown
