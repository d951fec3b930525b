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
from app.repairs.models import Location, RepairRequest

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
    ("front desk", (Role.RECEPTION,), "/visits/today"),
    ("visitor register, a later page", (Role.RECEPTION,), "/visits/register?page=2"),
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


def test_the_office_request_figures_read_their_covering_index(client, login_as):
    """The 30/90-day request figures (shares and medians per department and type) come from the covering
    index alone; without the hint SQLite walked the department index, every request ever filed."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    login_as(Role.OFFICE)
    figures = [(s, p) for s, p in _record(client, "/requests/office?days=90") if "service_requests.created_at >=" in s]
    assert figures, "the office page computed no request figures"
    for statement, parameters in figures:
        plan = _plan(statement, parameters)
        assert any("COVERING INDEX ix_service_requests_created_at_cover" in line for line in plan), plan
    db.session.rollback()


def test_the_report_repair_figures_read_the_urgency_index_alone(client, login_as, make_user):
    """The monthly report's repair counts and medians read one urgency's month of clocks from the covering
    index, not two months of request rows (a window over every row cost 45 ms at the benchmark's scale)."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    person, created = make_user(), datetime(2026, 10, 5, 4)
    db.session.add(RepairRequest(requester=person, location=Location(building="Lab"), category="hvac",
                                 urgency="normal", description="x", status="done", created_at=created,
                                 response_due=created + timedelta(hours=2), fix_due=created + timedelta(days=1),
                                 responded_at=created + timedelta(hours=1), done_at=created + timedelta(hours=5)))
    db.session.commit()
    login_as(Role.LEADER)
    figures = [(s, p) for s, p in _record(client, "/reports/monthly?month=2026-10") if "repair_requests.urgency" in s]
    assert len(figures) == 2, "the counts and the medians"
    for statement, parameters in figures:
        plan = _plan(statement, parameters)
        assert any("COVERING INDEX ix_repair_requests_urgency_created_at_clocks" in line for line in plan), plan
        assert not any("SCAN repair_requests" in line for line in plan), plan


def test_the_board_columns_are_ordered_from_a_covering_index(app):
    """The board's first slices are sorted from one index alone (status, both clocks, urgency), so finding
    them reads no request rows, however many are open."""
    if _postgres():
        pytest.skip("PostgreSQL decides on an index-only scan from the visibility map, not from the query")
    from app.repairs.queries import Filters, first_slices
    from app.repairs.workflow import OPEN_STATUSES
    from app.timeutil import utcnow

    executed = []
    event.listen(db.engine, "before_cursor_execute", keep := lambda *args: executed.append(args[2:4]))
    try:
        db.session.execute(first_slices(Filters(), list(OPEN_STATUSES), utcnow())).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    plan = _plan(*executed[-1])
    searches = [line for line in plan if "repair_requests" in line]
    assert len(searches) == len(OPEN_STATUSES), plan
    assert all("COVERING INDEX ix_repair_requests_status_clocks_urgency" in line for line in searches), plan
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
