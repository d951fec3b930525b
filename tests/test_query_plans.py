"""The home cards and the main lists read the big tables through indexes, never by a whole-table scan.

Each page is fetched while its statements are recorded; every statement is then explained by the database
the suite runs on (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN). On PostgreSQL sequential scans are
priced out for the explain (`enable_seqscan = off`): on a test's few rows the planner would rightly prefer
one, so a "Seq Scan" that is still chosen means no index can serve the statement. A scan that walks an
index from one end in the order a page shows (a newest-first list with LIMIT) is an index scan, allowed.
"""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, text

from app.auth.roles import Role
from app.extensions import db
from app.repairs.models import Equipment, Location, RepairRequest
from app.requests.models import RequestType, ServiceRequest

# Tables that grow with use (tens of thousands of rows at the benchmark's scale).
BIG_TABLES = ("repair_requests", "repair_events", "suggestions", "suggestion_answers", "visits", "visit_steps",
              "meeting_actions", "notifications", "service_requests", "request_events", "ratings", "bookings",
              "booking_attendees", "equipment_checks")

PAGES = [
    ("office home: every card", (Role.OFFICE,), "/"),
    ("reception home: the front-desk card", (Role.RECEPTION,), "/"),
    ("employee home: my open requests and suggestions", (Role.EMPLOYEE,), "/"),
    ("repairs board", (Role.OFFICE,), "/repairs/board"),
    ("repairs board by category, a closed page", (Role.OFFICE,), "/repairs/board?category=hvac&page=2"),
    ("repairs queue", (Role.MAINTENANCE,), "/repairs/queue"),
    ("my repairs", (Role.EMPLOYEE,), "/repairs/"),
    ("suggestions triage", (Role.OFFICE,), "/suggestions/triage"),
    ("suggestions triage, overdue, a later page", (Role.OFFICE,), "/suggestions/triage?overdue=1&page=2"),
    ("suggestions triage, new ones about a word", (Role.OFFICE,), "/suggestions/triage?status=new&q=食堂"),
    ("suggestions triage, a longer text", (Role.OFFICE,), "/suggestions/triage?q=Air%20con"),
    ("front desk", (Role.RECEPTION,), "/visits/today"),
    ("an employee's own visits", (Role.EMPLOYEE,), "/visits/"),
    ("visitor register, a later page", (Role.RECEPTION,), "/visits/register?page=2"),
    ("visitor register, a one-character search", (Role.RECEPTION,), "/visits/register?q=华"),
    ("visitor register, a pattern", (Role.RECEPTION,), "/visits/register?q=张_伟"),
    ("notifications", (Role.EMPLOYEE,), "/notifications/"),
    ("my requests to other departments", (Role.EMPLOYEE,), "/requests/"),
    ("all open requests, the office's figures", (Role.OFFICE,), "/requests/office"),
    ("leader home: the tasks card", (Role.LEADER,), "/"),
    ("tasks list", (Role.LEADER,), "/tasks/"),
    ("a leader's task overview", (Role.LEADER,), "/tasks/overview"),
    ("the monthly report", (Role.LEADER,), "/reports/monthly"),
    ("the weekly digest: received or answered that week", (Role.OFFICE,), "/suggestions/digest"),
    ("rooms: the day's bookings per room", (Role.EMPLOYEE,), "/rooms/"),
    ("rooms: the week's bookings per room", (Role.EMPLOYEE,), "/rooms/?view=week"),
    ("rooms: my bookings", (Role.EMPLOYEE,), "/rooms/mine"),
    ("rooms: today's equipment checks", (Role.OFFICE,), "/rooms/checks"),
]


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _record(client, path: str) -> list:
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert response.status_code == 200, path
    return statements


def _plan(statement: str, parameters) -> list[str]:
    connection = db.session.connection().connection.driver_connection
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement, parameters)
            return [row[0] for row in cursor.fetchall()]
    return [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()]


def whole_table_scans(plan: list[str]) -> list[str]:
    """The plan's lines that read a big table row by row from start to end."""
    pattern = (r"Seq Scan on (\w+)" if _postgres() else r"^SCAN (\w+)\b(?! USING (?:COVERING )?INDEX)")
    return [line for line in plan for table in re.findall(pattern, line.strip()) if table in BIG_TABLES]


@pytest.mark.parametrize(("name", "roles", "path"), PAGES, ids=[page[0] for page in PAGES])
def test_cards_and_lists_use_an_index_on_the_big_tables(client, login_as, name, roles, path):
    login_as(*roles)
    statements = _record(client, path)
    assert statements
    scans = {}
    for statement, parameters in statements:
        found = whole_table_scans(_plan(statement, parameters))
        if found:
            scans[" ".join(statement.split())[:300]] = found
    db.session.rollback()
    assert scans == {}, f"{name}: whole-table scans"


def test_the_check_sees_a_whole_table_scan(app):
    """The test above would notice: a condition no index serves is reported."""
    statement = "SELECT id FROM repair_requests WHERE description = 'x'"
    parameters = {} if _postgres() else ()
    assert whole_table_scans(_plan(statement, parameters))
    db.session.rollback()


def test_the_office_card_figures_come_from_the_index_alone(app):
    """The 30-day repair figures read the created_at index only, not a month of request rows."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    plan = _plan("SELECT count(responded_at), count(done_at) FROM repair_requests WHERE created_at >= ?",
                 ("2026-01-01",))
    assert any("COVERING INDEX ix_repair_requests_created_at_times" in line for line in plan), plan
    db.session.execute(text("SELECT 1"))


def test_the_office_request_figures_read_day_rows_and_indexes_alone(client, login_as, make_user, make_department):
    """The 30/90-day request figures read the day rows (request_figure_days) for the window's whole days, and
    from the requests only the window's first day (created_at index), the open requests' running clocks
    (closed_at index) and the medians, walked in span order up to the middle without a sort."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    request_type = RequestType(name_zh="检测报告申请", name_en="Test report", department=make_department())
    person, filed = make_user(), datetime.now() - timedelta(days=3)
    for hours in (1, 2, 5):  # answered after so many hours, done an hour later, confirmed
        db.session.add(ServiceRequest(
            type=request_type, department=request_type.department, requester=person, text="x", status="confirmed",
            created_at=filed, answer_due=filed + timedelta(days=1), complete_due=filed + timedelta(days=2),
            answered_at=filed + timedelta(hours=hours), done_at=filed + timedelta(hours=hours + 1),
            closed_at=filed + timedelta(days=1)))
    db.session.commit()
    login_as(Role.OFFICE)
    figures = [(s, p) for s, p in _record(client, "/requests/office?days=90") if "service_requests.created_at >=" in s]
    plans = ["\n".join(_plan(statement, parameters)) for statement, parameters in figures]
    window = next(plan for plan in plans if "request_figure_days" in plan)
    assert "COVERING INDEX ix_service_requests_created_at_cover" in window, window
    assert "COVERING INDEX ix_service_requests_closed_at_clocks" in window, window
    assert "SCAN request_figure_days" not in window, window
    [medians] = [plan for plan in plans if plan is not window]
    assert "COVERING INDEX ix_service_requests_answer_spans" in medians, medians
    assert "COVERING INDEX ix_service_requests_done_spans" in medians, medians
    assert "TEMP B-TREE FOR ORDER BY" not in medians, medians
    db.session.rollback()


def test_the_report_repair_figures_read_the_urgency_index_alone(client, login_as, make_user):
    """The monthly report's repair counts read one urgency's month of clocks from the covering index, not two
    months of request rows (a window over every row cost 45 ms at the benchmark's scale); its medians read
    each urgency's month from an index already in order of the time taken, so nothing is sorted (sorting the
    month's times cost 12 ms)."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    _a_repair_done_in_october(make_user())
    login_as(Role.LEADER)
    figures = [(s, p) for s, p in _record(client, "/reports/monthly?month=2026-10") if "repair_requests.urgency" in s]
    assert len(figures) == 2, "the counts and the medians"
    (counts, count_parameters), (medians, median_parameters) = figures
    plan = _plan(counts, count_parameters)
    assert all("COVERING INDEX ix_repair_requests_urgency_created_at_clocks" in line
               for line in plan if "repair_requests" in line), plan
    plan = _plan(medians, median_parameters)
    searches = [line for line in plan if "repair_requests" in line]
    assert len(searches) == 12, plan  # three urgencies, two months, two times
    assert all(re.search(r"INDEX ix_repair_requests_urgency_month_(response|fix) \(urgency=\? AND created_month=\?",
                         line) for line in searches), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
    db.session.rollback()


def test_the_report_top_equipment_is_counted_in_equipment_order(client, login_as, make_user):
    """The equipment with most faults in the month is counted from the (created_month, equipment_id) index
    alone, in equipment order, so grouping sorts nothing; walking the equipment index instead reads every
    request ever filed (93 ms at the benchmark's scale)."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    _a_repair_done_in_october(make_user(), Equipment(name="Lab AC", asset_number="AC-1",
                                                     location=Location(building="Lab"), category="hvac"))
    login_as(Role.LEADER)
    counted = [(s, p) for s, p in _record(client, "/reports/monthly?month=2026-10")
               if "repair_requests.equipment_id" in s]
    assert len(counted) == 2, "this month's top five, and their faults the month before"
    for statement, parameters in counted:
        plan = _plan(statement, parameters)
        assert any("COVERING INDEX ix_repair_requests_month_equipment (created_month=?" in line for line in plan), plan
        assert not any("GROUP BY" in line for line in plan), plan
    db.session.rollback()


def _a_repair_done_in_october(person, equipment=None):
    created = datetime(2026, 10, 5, 4)
    location = equipment.location if equipment else Location(building="Lab")
    db.session.add(RepairRequest(requester=person, location=location, equipment=equipment, category="hvac",
                                 urgency="normal", description="x", status="done", created_at=created,
                                 response_due=created + timedelta(hours=2), fix_due=created + timedelta(days=1),
                                 responded_at=created + timedelta(hours=1), done_at=created + timedelta(hours=5)))
    db.session.commit()


def test_the_board_columns_are_ordered_from_a_covering_index(app):
    """The board's first slices are sorted from one index alone (status, both clocks, urgency), so finding
    them reads no request rows, however many are open."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    from app.repairs.queries import first_slices
    from app.repairs.workflow import OPEN_STATUSES
    from app.timeutil import utcnow

    executed = []
    event.listen(db.engine, "before_cursor_execute", keep := lambda *args: executed.append(args[2:4]))
    try:
        db.session.execute(first_slices((), tuple(OPEN_STATUSES)), {"now": utcnow()}).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    plan = _plan(*executed[-1])
    searches = [line for line in plan if "repair_requests" in line]
    assert len(searches) == len(OPEN_STATUSES), plan
    assert all("COVERING INDEX ix_repair_requests_status_clocks_urgency" in line for line in searches), plan
    db.session.rollback()


def test_an_equipment_history_page_is_read_in_order_from_an_index(client, login_as, make_user):
    """The equipment page finds its page of history, newest first, from the (equipment_id, created_at, id) index
    in that order, so nothing is sorted and the database stops after the page, however long the history."""
    if _postgres():
        pytest.skip("PostgreSQL weighs the sort by its statistics: sorting a test's few rows costs it nothing")
    person = make_user()
    equipment = Equipment(name="Lab AC", asset_number="AC-1", location=Location(building="Lab"), category="hvac")
    for _ in range(3):
        _a_repair_done_in_october(person, equipment)
    login_as(Role.MAINTENANCE)
    ordered = [(s, p) for s, p in _record(client, f"/repairs/equipment/{equipment.id}")
               if s.startswith("SELECT repair_requests.id \n") and "ORDER BY" in s]
    assert len(ordered) == 1, "the history no longer finds its page as ids first"
    assert _plan(*ordered[0]) == ["SEARCH repair_requests USING COVERING INDEX "
                                  "ix_repair_requests_equipment_id_created_at (equipment_id=?)"]
    db.session.rollback()


def test_my_repairs_find_my_reports_from_the_index_alone(client, login_as):
    """The requests someone added a report to are looked up by (actor, kind) in one index, not by reading
    everything the person ever did on any request (a thousand submissions for a busy reporter)."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    login_as(Role.EMPLOYEE)
    lookups = [(s, p) for s, p in _record(client, "/repairs/") if "FROM repair_events" in s]
    assert len(lookups) == 1, "my repairs no longer look up my reports first"
    assert _plan(*lookups[0]) == ["SEARCH repair_events USING COVERING INDEX "
                                  "ix_repair_events_actor_id_kind_repair_id (actor_id=? AND kind=?)"]
    db.session.rollback()


def test_my_bookings_read_only_the_invitations_still_to_come(client, login_as):
    """A person's invitations are read from (user_id, ends_at) from now on, not by looking up every booking
    they were ever invited to (822 a year for the benchmark's busy colleague) to keep the coming ones."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    login_as(Role.EMPLOYEE)
    plans = [_plan(s, p) for s, p in _record(client, "/rooms/mine") if "FROM booking_attendees" in s]
    assert plans, "my bookings no longer look up my invitations"
    steps = {step for plan in plans for step in plan if "booking_attendees" in step}
    assert steps == {"SEARCH booking_attendees USING COVERING INDEX ix_booking_attendees_user_id_ends_at "
                     "(user_id=? AND ends_at>?)"}
    db.session.rollback()


def test_an_employees_visits_are_found_from_their_own_not_from_every_upcoming_one(client, login_as):
    """An employee's list is the ids they host, own, asked for or co-host, each from its index; an OR of the
    four tested every upcoming visit of the company's 35 days instead."""
    if _postgres():
        pytest.skip("PostgreSQL weighs the plan by its statistics")
    login_as(Role.EMPLOYEE)
    listed = [(s, p) for s, p in _record(client, "/visits/") if s.startswith("SELECT visits.id \n") and "LIMIT" in s]
    assert len(listed) == 1, "the list no longer finds its page as ids first"
    plan = _plan(*listed[0])
    for index in ("ix_visits_host_id", "ix_visits_owner_id", "ix_visits_requested_by_id",
                  "ix_visit_cohosts_user_id"):
        assert any(index in line for line in plan), plan
    db.session.rollback()


def test_the_office_open_requests_are_ordered_from_a_covering_index(client, login_as):
    """The office's open list finds its page from one index alone (status, due, department, type, clocks)."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    login_as(Role.OFFICE)
    ordered = [(s, p) for s, p in _record(client, "/requests/office") if s.startswith("SELECT service_requests.id \n")]
    assert ordered, "the office list no longer finds its page as ids first"
    for statement, parameters in ordered:
        plan = _plan(statement, parameters)
        assert any("COVERING INDEX ix_service_requests_status_complete_due_cover" in line for line in plan), plan
    db.session.rollback()


def test_the_report_months_are_plain_aggregates_over_covering_index_ranges(client, login_as, make_user):
    """Each two-month statement of the monthly report (a UNION ALL of one aggregate per month) reads index
    ranges and sorts nothing to group it: grouping the two months by a CASE on the period sorted every row
    into a temporary tree, several times the cost of reading them. Only the per-department counts group.
    The counts read covering indexes alone (the medians, by position, read two rows of each group)."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    _a_repair_done_in_october(make_user())
    login_as(Role.LEADER)
    months = [(s, p) for s, p in _record(client, "/reports/monthly?month=2026-10") if "UNION ALL" in s]
    assert len(months) == 7, "ratings, suggestions, repair counts and medians, visits, requests, tasks"
    for statement, parameters in months:
        plan = _plan(statement, parameters)
        searches = [line for line in plan if re.match(r"SEARCH (\w+)", line) and line.split()[1] in BIG_TABLES]
        assert searches, plan
        if "created_month" not in statement:
            assert all("USING COVERING INDEX" in line for line in searches), plan
        grouped = any("TEMP B-TREE FOR GROUP BY" in line for line in plan)
        assert grouped == ("service_requests" in statement), plan


SEARCHES = [("triage", (Role.OFFICE,), "/suggestions/triage?status=new&q=食堂"),
            ("triage, a longer text", (Role.OFFICE,), "/suggestions/triage?q=食堂饭菜"),
            ("register", (Role.RECEPTION,), "/visits/register?q=华"),
            ("register, a pattern", (Role.RECEPTION,), "/visits/register?q=张_伟")]


@pytest.mark.parametrize(("name", "roles", "path"), SEARCHES, ids=[search[0] for search in SEARCHES])
def test_a_text_search_reads_the_grams_index(client, login_as, name, roles, path):
    """A search narrows by the postings of its grams (the primary key of search_grams), never by LIKE over
    every candidate row; a one- or two-character Chinese text is not matched with LIKE at all."""
    login_as(*roles)
    searches = [(s, p) for s, p in _record(client, path) if "search_grams" in s]
    assert searches, f"{name}: the search does not read the grams"
    for statement, parameters in searches:
        plan = " ".join(_plan(statement, parameters))
        assert ("pk_search_grams" if _postgres() else "search_grams USING PRIMARY KEY") in plan, plan
        assert len(path.split("q=")[1]) > 2 or "LIKE" not in statement
    db.session.rollback()
