"""The front-desk board, the visitor register with exports, templates, and the commands (rooms: tests/rooms)."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from app.visits import checklist, queries, steps
from app.visits.models import Room, TemplateStep, Visit, VisitEvent, VisitStep
from tests import PARTIAL
from tests.visits.conftest import later_today


def test_board_shows_today_tomorrow_and_who_is_in_the_building(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    today = make_visit(arrival=later_today(), organisation="今天 Today Ltd")
    make_visit(arrival=later_today() + timedelta(days=1), organisation="明天 Tomorrow Ltd")
    make_visit(arrival=later_today() + timedelta(days=5), organisation="Next week Ltd")
    client.post(f"/visits/{today.id}/arrive")
    page = client.get("/visits/today").get_data(as_text=True)
    assert "<nav" in page and 'id="visit-board"' in page and 'hx-trigger="every 5s"' in page
    assert "今天 Today Ltd" in page and "明天 Tomorrow Ltd" in page and "Next week Ltd" not in page
    assert "Still in the building <span class=\"meta\">(1)" in page and "Record departure" in page


def test_board_poll_answers_204_until_something_changes(client, login_as, make_visit, count_queries):
    login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    page = client.get("/visits/today", headers=PARTIAL).get_data(as_text=True)
    assert "<nav" not in page and 'id="visit-board"' in page
    stamp = page.split('data-stamp="')[1].split('"')[0]
    with count_queries() as counter:
        assert client.get(f"/visits/today?since={stamp}", headers=PARTIAL).status_code == 204
    assert counter.count <= 4  # the signed-in user, their roles, and one for the board's stamp
    client.post(f"/visits/{visit.id}/steps/{visit.steps[0].id}/tick")
    changed = client.get(f"/visits/today?since={stamp}", headers=PARTIAL)
    assert changed.status_code == 200 and "1 of 10 steps" in changed.get_data(as_text=True)


def _card(page: str, visit) -> str:
    return page.split(f'id="visit-card-{visit.id}"')[1].split("</article>")[0]


def test_board_quick_ticks_receptions_next_step(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    owners_first, greet, escort = visit.steps[0], visit.steps[6], visit.steps[7]
    assert (owners_first.responsible, greet.responsible) == ("owner", "reception")
    page = client.get("/visits/today").get_data(as_text=True)
    # Planned at short notice: the owner's steps due days before are late-planned, not red (tests/visits/
    # test_late_steps.py has the rest).
    assert "has-overdue" not in page and "Overdue" not in page
    card = _card(page, visit)
    # The big button is reception's own step; the owner's earlier step is shown, but not to be ticked here.
    assert f"/steps/{greet.id}/tick" in card and f"/steps/{owners_first.id}/tick" not in card
    assert "Next step: <strong>确认来访细节</strong> · Visit owner" in card
    card = client.post(f"/visits/{visit.id}/steps/{greet.id}/tick", data={"view": "board"},
                       headers=PARTIAL).get_data(as_text=True)
    assert f'id="visit-card-{visit.id}"' in card and "1 of 10 steps" in card
    assert f"/steps/{escort.id}/tick" in card and db.session.get(VisitStep, owners_first.id).state == "open"


def test_a_wrong_tap_on_the_board_is_undone_and_the_history_keeps_both(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    greet = visit.steps[6]
    card = client.post(f"/visits/{visit.id}/steps/{greet.id}/tick", data={"view": "board"},
                       headers=PARTIAL).get_data(as_text=True)
    assert f"/steps/{greet.id}/undo" in card and "Undo “客户到达时迎接”" in card
    card = client.post(f"/visits/{visit.id}/steps/{greet.id}/undo", data={"view": "board"},
                       headers=PARTIAL).get_data(as_text=True)
    assert "0 of 10 steps" in card and f"/steps/{greet.id}/undo" not in card and f"/steps/{greet.id}/tick" in card
    history = [(e.action, e.text) for e in db.session.scalars(
        select(VisitEvent).where(VisitEvent.step_id == greet.id).order_by(VisitEvent.id))]
    assert history == [("tick", ""), ("untick", "Undone on the front desk (wrong tap)")]


def test_only_ones_own_recent_tick_can_be_undone_from_the_board(client, login_as, make_visit, make_user):
    me = login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    greet, escort = visit.steps[6], visit.steps[7]
    steps.tick(greet, make_user(Role.RECEPTION))
    steps.tick(escort, me)
    escort.done_at -= checklist.UNDO_WINDOW + timedelta(minutes=1)
    db.session.commit()
    card = _card(client.get("/visits/today").get_data(as_text=True), visit)
    assert "/undo" not in card
    for step in (greet, escort):
        response = client.post(f"/visits/{visit.id}/steps/{step.id}/undo", data={"view": "board"}, headers=PARTIAL)
        answer = response.get_data(as_text=True)
        # Refused: the card as it is, and the reason in #flash in the same answer.
        assert response.status_code == 422 and f'id="visit-card-{visit.id}"' in answer and "2 of 10 steps" in answer
        flash = answer.split('hx-target="#flash"')[1]
        assert "Only your own tick of the last 10 minutes" in flash
        assert db.session.get(VisitStep, step.id).state == "done"


def test_a_lost_race_on_the_board_answers_409_with_the_card_as_it_is_now(client, login_as, make_visit, make_user):
    login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    greet = visit.steps[6]
    page = client.get("/visits/today").get_data(as_text=True)
    assert f"/steps/{greet.id}/tick" in _card(page, visit)
    colleague = make_user(Role.RECEPTION, name="王前台")
    steps.tick(greet, colleague)  # a colleague's tablet was quicker
    response = client.post(f"/visits/{visit.id}/steps/{greet.id}/tick", data={"view": "board"}, headers=PARTIAL)
    answer = response.get_data(as_text=True)
    assert response.status_code == 409
    card = _card(answer, visit)
    assert "1 of 10 steps" in card and f"/steps/{greet.id}/tick" not in card
    assert "王前台 already marked this step “Done”" in answer.split('hx-target="#flash"')[1]
    ticks = db.session.scalar(select(func.count()).select_from(VisitEvent).where(VisitEvent.step_id == greet.id))
    assert ticks == 1


def test_an_arrival_already_recorded_answers_409_on_the_board(client, login_as, make_visit, make_user):
    login_as(Role.RECEPTION)
    visit = make_visit(arrival=later_today())
    client.post(f"/visits/{visit.id}/arrive")
    response = client.post(f"/visits/{visit.id}/arrive", data={"view": "board"}, headers=PARTIAL)
    answer = response.get_data(as_text=True)
    assert response.status_code == 409 and "Record departure" in _card(answer, visit)
    assert "The arrival of these visitors is already recorded." in answer.split('hx-target="#flash"')[1]
    arrivals = db.session.scalar(select(func.count()).select_from(VisitEvent)
                                 .where(VisitEvent.visit_id == visit.id, VisitEvent.action == "arrive"))
    assert arrivals == 1


def _left_days_ago(visit_id: int, days: int) -> None:
    """Move a visit that has already happened back in time, as if it had been some days ago."""
    visit = db.session.get(Visit, visit_id)
    for name in ("expected_arrival", "expected_departure", "arrived_at", "departed_at"):
        if getattr(visit, name):
            setattr(visit, name, getattr(visit, name) - timedelta(days=days))
    db.session.commit()


def test_visitors_who_left_on_an_earlier_day_leave_the_board_and_show_as_departed(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    left = make_visit(arrival=later_today(), organisation="走了 Left Ltd")
    stayed = make_visit(arrival=later_today(), organisation="还在 Still Here Ltd")
    for visit in (left, stayed):
        client.post(f"/visits/{visit.id}/arrive")
    client.post(f"/visits/{left.id}/depart")
    _left_days_ago(left.id, 2)
    _left_days_ago(stayed.id, 2)
    assert db.session.get(Visit, left.id).status == "in_progress"  # the owner's follow-up is still open
    page = client.get("/visits/today").get_data(as_text=True)
    assert "走了 Left Ltd" not in page
    assert "还在 Still Here Ltd" in page and 'Still in the building <span class="meta">(1)' in page
    assert queries.board_stamp().startswith("1.")
    register = client.get("/visits/register?q=Left").get_data(as_text=True)
    assert "badge-departed" in register and "Departed, steps open" in register
    # The owner still has it among the visits to finish, with its open steps.
    owner = db.session.get(Visit, left.id).owner
    client.post("/logout")
    client.post("/login", data={"login": owner.login, "password": "correct horse battery"})
    mine = client.get("/visits/").get_data(as_text=True)
    assert "走了 Left Ltd" in mine and "Departed, steps open" in mine
    assert "Departed, steps open" in client.get(f"/visits/{left.id}").get_data(as_text=True)


def test_plates_and_the_private_note_reach_the_board_and_the_sheet(client, login_as, make_visit, make_user):
    login_as(Role.RECEPTION)
    cohost = make_user()
    visit = make_visit(arrival=later_today(), licence_plates="粤B·12345", reception_note="张总喜欢绿茶",
                       cohost_ids=[cohost.id])
    card = _card(client.get("/visits/today").get_data(as_text=True), visit)
    assert "粤B·12345" in card and "张总喜欢绿茶" in card
    sheet = client.get(f"/visits/{visit.id}/sheet").get_data(as_text=True)
    assert "粤B·12345" in sheet and "张总喜欢绿茶" in sheet
    # The host sees them as well; a co-host does not.
    client.post("/logout")
    client.post("/login", data={"login": visit.host.login, "password": "correct horse battery"})
    assert "张总喜欢绿茶" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "粤B·12345" in client.get(f"/visits/{visit.id}/sheet").get_data(as_text=True)
    client.post("/logout")
    client.post("/login", data={"login": cohost.login, "password": "correct horse battery"})
    sheet = client.get(f"/visits/{visit.id}/sheet").get_data(as_text=True)
    assert "华为 Huawei" in sheet and "粤B·12345" not in sheet and "张总喜欢绿茶" not in sheet


def test_board_and_register_keep_a_constant_number_of_queries(client, login_as, make_visit, count_queries):
    office = login_as(Role.OFFICE)

    def queries_for(n, path):
        while (count := db.session.scalar(select(func.count()).select_from(Visit))) < n:
            make_visit(owner=office, arrival=later_today(20 + count))
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count
    assert queries_for(5, "/visits/today") == queries_for(30, "/visits/today")
    assert queries_for(30, "/visits/register") == queries_for(60, "/visits/register")


def test_a_register_page_past_the_end_shows_the_last_page(client, login_as, make_visit):
    """Page 9 of a register that has one page shows that page, not "No visit matches these filters"."""
    make_visit()
    make_visit(organisation="比亚迪 BYD")
    login_as(Role.RECEPTION)
    page = client.get("/visits/register?page=9").get_data(True)
    assert "比亚迪 BYD" in page and "华为 Huawei" in page
    assert "No visit matches" not in page


def test_register_filters_by_text_dates_and_department(client, login_as, make_visit, make_user,
                                                     make_department):
    login_as(Role.RECEPTION)
    sales = make_department(code="SAL", name_en="Sales")
    make_visit(host=make_user(department=sales), organisation="Alpha 甲公司")
    make_visit(organisation="Beta 乙公司", arrival=utcnow() + timedelta(days=20))
    assert "Beta 乙公司" not in client.get("/visits/register?q=甲").get_data(as_text=True)
    page = client.get(f"/visits/register?department={sales.id}").get_data(as_text=True)
    assert "Alpha 甲公司" in page and "Beta 乙公司" not in page
    later = (utcnow() + timedelta(days=10)).date().isoformat()
    page = client.get(f"/visits/register?from={later}").get_data(as_text=True)
    assert "Beta 乙公司" in page and "Alpha 甲公司" not in page
    fragment = client.get("/visits/register?q=Beta", headers=PARTIAL).get_data(as_text=True)
    assert 'id="register-rows"' in fragment and "<nav" not in fragment


def test_register_rows_show_host_department_visitors_and_status_in_the_readers_language(
        client, login_as, make_visit, make_user, make_department):
    sales = make_department(code="SAL", name_zh="销售部", name_en="Sales")
    named = make_visit(host=make_user(name="Host Li", department=sales))
    counted = make_visit(host=make_user(name="Host Wu"), visitor_count=3)
    counted.visitor_names = ""  # an old visit, from before names were asked: the count stands in
    left = make_visit(host=make_user(name="Host Xu"))
    left.status, left.arrived_at, left.departed_at = "in_progress", utcnow(), utcnow()
    db.session.commit()
    login_as(Role.RECEPTION, locale="en")
    page = client.get("/visits/register").get_data(as_text=True)
    assert f'<a href="/visits/{named.id}">华为 Huawei</a></td>' in page
    assert 'Host Li · <span class="meta">Sales</span></td>' in page and "张伟, 李娜</td>" in page
    assert '<td data-label="Host">Host Wu</td>' in page and ">3 visitors</td>" in page
    assert f'<a href="/visits/{counted.id}">' in page and "badge-departed" in page
    client.post("/logout")
    login_as(Role.RECEPTION, locale="zh_CN")
    assert 'Host Li · <span class="meta">销售部</span></td>' in client.get("/visits/register").get_data(as_text=True)


def test_register_exports_csv_and_xlsx(client, login_as, make_visit):
    login_as(Role.OFFICE)
    make_visit(organisation="=HYPERLINK(1)")
    response = client.get("/visits/register.csv")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=visitor-register-")
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1] == "Organisation" and rows[1][1] == "'=HYPERLINK(1)" and rows[1][2] == "张伟, 李娜"
    book = load_workbook(io.BytesIO(client.get("/visits/register.xlsx").get_data()))
    sheet = book.active
    assert sheet.max_row == 2 and sheet.cell(2, 3).value == "张伟, 李娜"


def test_employees_cannot_open_the_register(client, login_as):
    login_as()
    assert client.get("/visits/register").status_code == 403
    assert client.get("/visits/register.csv").status_code == 403


def test_templates_page_adds_moves_and_removes_steps(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/visits/templates").get_data(as_text=True)
    assert page.count('class="row-card template-step"') == 10
    # Removing asks first, naming the step.
    assert page.count("hx-confirm=") == 10 and "Remove the step “确认来访细节” from this checklist template?" in page
    response = client.post("/visits/templates/interview/steps", data={
        "title": "准备面试题", "responsible": "host", "amount": "2", "unit": "hours", "timing": "before_arrival"})
    assert response.status_code == 303
    step = db.session.scalar(select(TemplateStep).where(TemplateStep.title == "准备面试题"))
    assert (step.anchor, step.offset_minutes) == ("arrival", -120)
    assert client.post("/visits/templates/interview/steps", data={"title": ""}).status_code == 422
    customer = checklist.template_for("customer")
    second = customer.steps[1]
    fragment = client.post(f"/visits/templates/steps/{second.id}/move", data={"direction": "up"},
                           headers=PARTIAL).get_data(as_text=True)
    assert 'id="template-steps"' in fragment and "<nav" not in fragment
    db.session.expire_all()
    assert checklist.template_for("customer").steps[0].id == second.id
    client.post(f"/visits/templates/steps/{second.id}/delete")
    db.session.expire_all()
    assert len(checklist.template_for("customer").steps) == 9


def test_template_step_edit_shows_the_timing_it_has(client, login_as):
    login_as(Role.OFFICE)
    step = checklist.template_for("customer").steps[5]  # one hour before arrival
    page = client.get(f"/visits/templates/steps/{step.id}").get_data(as_text=True)
    assert 'value="1"' in page and '<option selected value="hours">' in page
    response = client.post(f"/visits/templates/steps/{step.id}", data={
        "title": "Test the projector", "responsible": "technical", "amount": "90", "unit": "minutes",
        "timing": "before_arrival"})
    assert response.status_code == 303
    assert db.session.get(TemplateStep, step.id).offset_minutes == -90


def test_the_old_room_list_address_leads_to_the_shared_list(client, login_as):
    login_as(Role.OFFICE)
    response = client.get("/visits/rooms")
    assert response.status_code == 301 and response.headers["Location"].endswith("/rooms/manage")


def test_purge_command_uses_the_configured_default(app, make_visit):
    old = make_visit()
    old.expected_arrival -= timedelta(days=400)
    old.expected_departure -= timedelta(days=400)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["visits", "purge"])
    assert result.exit_code == 0 and "from 1 visit(s) older than 180 days" in result.output
    make_visit()  # still to come: never purged, whatever the age given
    result = app.test_cli_runner().invoke(args=["visits", "purge", "--older-than", "0"])
    assert "from 0 visit(s) older than 0 days" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.visitor_names == "")) == 1


def test_tick_command_runs_the_reminders_and_the_purge(app, make_visit):
    make_visit(arrival=later_today())
    old = make_visit()
    old.expected_arrival -= timedelta(days=400)
    old.expected_departure -= timedelta(days=400)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick"])
    assert "visits: " in result.output and "overdue step(s) reported" in result.output
    assert "visits purge: personal data removed from 1 visit(s) older than 180 days" in result.output
    db.session.expire_all()
    assert old.visitor_names == "" and old.purged_at is not None


def test_demo_seeder_adds_rooms_templates_and_visits(app):
    from app.cli import seed_demo
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(Room)) == 5  # the shared list's demo rooms
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 4
    assert len(checklist.template_for("customer").steps) == 10


def test_home_card_for_the_front_desk(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    make_visit(arrival=later_today())
    assert "Visitors today" in client.get("/").get_data(as_text=True)


def test_board_and_my_visits_read_a_visits_steps_by_visit_and_state(client, login_as, make_visit):
    """The cards and rows count each visit's steps and read only the open ones through the (visit, state)
    index: without statistics SQLite took the state index and walked every open step of the year."""
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL picks its index from statistics, not from the query")
    from tests.test_query_plans import _plan, _record  # noqa: PLC0415 (the query-plan tests' recorder)
    office = login_as(Role.OFFICE)
    make_visit(owner=office, arrival=later_today())
    for path in ("/visits/today", "/visits/"):
        reads = [(s, p) for s, p in _record(client, path) if "FROM visit_steps" in s]
        assert reads, path
        for statement, parameters in reads:
            plan = _plan(statement, parameters)
            assert any("ix_visit_steps_visit_id_state" in line for line in plan), (path, plan)
    db.session.rollback()


def test_the_board_read_in_one_go_has_the_stamp_the_poll_counts(app, make_visit):
    """`board` sorts today's cards and tomorrow's list out of one read of the visits its stamp covers, and works
    the stamp out from them; the 5-second poll counts the same visits in the database. A request nobody
    accepted and a cancelled visit count for the stamp but are on no list; tomorrow lists only planned ones."""
    planned = make_visit(arrival=later_today(10), organisation="今天 Planned")
    cancelled = make_visit(arrival=later_today(20), organisation="取消 Cancelled")
    requested = make_visit(arrival=later_today(30), organisation="申请 Requested")
    coming = make_visit(arrival=later_today() + timedelta(days=1), organisation="明天 Coming")
    asked = make_visit(arrival=later_today(25) + timedelta(days=1), organisation="明天 Asked")
    for visit, status in ((cancelled, "cancelled"), (requested, "requested"), (asked, "requested")):
        visit.status = status
    db.session.commit()
    board = queries.board()
    assert [visit.id for visit in board.today] == [planned.id]
    assert [visit.id for visit in board.tomorrow] == [coming.id]
    assert board.stamp == queries.board_stamp() and board.stamp.startswith("5.")
