"""The monthly report against a hand-built data set for October 2026 and September 2026: every figure of
every section is checked, on the page, in the Excel file and in the Word file; the query count is the same
with and without data; bad months get a field error."""
import io
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import insert, select

from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import ActionItem
from app.repairs import services as repair_services
from app.repairs.models import Equipment, Location, RepairRequest
from app.reports import exports, queries
from app.reports.queries import DURATION
from app.requests.models import RequestType, ServiceRequest
from app.satisfaction.models import Rating, SurveyAnswer, SurveyQuestion, SurveyRound, SurveyScore
from app.suggestions import services as suggestion_services
from app.suggestions.models import Rating as SuggestionRating
from app.suggestions.models import Suggestion
from app.timeutil import to_local, to_utc, utcnow
from app.visits.models import Visit

H, M = timedelta(hours=1), timedelta(minutes=1)


def at(month: int, day: int, hour: int = 12) -> datetime:
    """Noon (office time) of a day in 2026, as stored."""
    return to_utc(datetime(2026, month, day, hour))


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def _suggestions(category):
    rows = [  # created, due, answered
        (at(10, 5), at(10, 12), at(10, 10)), (at(10, 6), at(10, 13), at(10, 20)), (at(10, 25), at(11, 1), None),
        (at(9, 28), at(10, 5), at(10, 3)), (at(9, 10), at(9, 17), at(9, 15))]
    made = [Suggestion(category=category, title=f"s{n}", details="d", created_at=created, answer_due_at=due,
                       first_answered_at=answered, status="resolved" if answered else "new")
            for n, (created, due, answered) in enumerate(rows)]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all([SuggestionRating(suggestion_id=made[0].id, score=4, rated_on=date(2026, 10, 11)),
                        SuggestionRating(suggestion_id=made[1].id, score=2, rated_on=date(2026, 10, 21)),
                        SuggestionRating(suggestion_id=made[4].id, score=5, rated_on=date(2026, 9, 16))])


def _repair(requester, location, urgency, created, respond_in, fix_in, responded, done, equipment=None):
    return RepairRequest(requester=requester, location=location, equipment=equipment, category="hvac",
                         urgency=urgency, description="x", status="done" if done else "in_progress",
                         created_at=created, response_due=created + respond_in, fix_due=created + fix_in,
                         responded_at=created + responded, done_at=created + done if done else None)


def _repairs(requester):
    location = Location(building="Lab", floor="1F", room="101")
    e1 = Equipment(name="Lab AC", asset_number="AC-1", location=location, category="hvac")
    e2 = Equipment(name="Printer", asset_number="PR-2", location=location, category="it")
    normal, emergency, urgent = (2 * H, 24 * H), (30 * M, 4 * H), (2 * H, 24 * H)
    made = [
        _repair(requester, location, "normal", at(10, 8), *normal, H, 10 * H, e1),
        _repair(requester, location, "normal", at(10, 9), *normal, 3 * H, 30 * H, e1),
        _repair(requester, location, "normal", at(10, 10), *normal, 2 * H, 20 * H, e2),
        _repair(requester, location, "emergency", at(10, 11), *emergency, 20 * M, 2 * H),
        _repair(requester, location, "urgent", at(10, 12), *urgent, H, None, e1),
        _repair(requester, location, "normal", at(9, 8), *normal, 4 * H, 48 * H, e1),
        _repair(requester, location, "emergency", at(9, 9), *emergency, 10 * M, H, e2),
    ]
    db.session.add_all([location, e1, e2, *made])
    db.session.flush()
    db.session.add_all([Rating(subject="repair", subject_id=made[0].id, score=5, created_at=at(10, 9)),
                        Rating(subject="repair", subject_id=made[2].id, score=3, created_at=at(10, 11)),
                        Rating(subject="repair", subject_id=made[5].id, score=1, created_at=at(9, 11))])


def _visits(host):
    def visit(status, departed):
        arrival = departed - 3 * H if departed else at(10, 20)
        return Visit(organisation="Org", host=host, status=status, expected_arrival=arrival,
                     expected_departure=arrival + 3 * H, arrived_at=arrival, departed_at=departed)
    made = [visit("completed", at(10, 15)), visit("completed", at(10, 16)), visit("completed", at(9, 15)),
            visit("in_progress", None)]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all([Rating(subject="visit", subject_id=made[0].id, rater_id=host.id, score=5,
                               created_at=at(10, 16)),
                        Rating(subject="visit_guest", subject_id=made[0].id, score=3, created_at=at(10, 17)),
                        Rating(subject="visit", subject_id=made[2].id, rater_id=host.id, score=4,
                               created_at=at(9, 16))])


def _requests(requester, make_department):
    quality = make_department(code="QA", name_zh="质量部", name_en="Quality")
    logistics = make_department(code="LOG", name_zh="后勤部", name_en="Logistics")
    kinds = {d.id: RequestType(name_zh="t", name_en="t", department=d) for d in (quality, logistics)}

    def item(department, created, due, done):
        return ServiceRequest(type=kinds[department.id], department=department, requester=requester, text="x",
                              status="done" if done else "submitted", created_at=created, answer_due=created + H,
                              complete_due=due, done_at=done)
    made = [item(quality, at(10, 5), at(10, 8), at(10, 7)), item(quality, at(10, 6), at(10, 9), at(10, 12)),
            item(logistics, at(10, 7), at(10, 10), None), item(quality, at(9, 5), at(9, 8), at(9, 6))]
    db.session.add_all([*kinds.values(), *made])
    db.session.flush()
    db.session.add(Rating(subject="request", subject_id=made[0].id, score=4, created_at=at(10, 8)))
    return quality


def _tasks(owner, department):
    def task(created, deadline, accepted):
        return ActionItem(task="t", source="leader", department=department, owner=owner, deadline=deadline,
                          acceptance="ok", state="accepted" if accepted else "open", created_at=created,
                          accepted_at=accepted)
    db.session.add_all([task(at(10, 2), date(2026, 10, 10), at(10, 9)),
                        task(at(10, 3), date(2026, 10, 15), at(10, 20)),
                        task(at(10, 4), date(2026, 10, 20), None),
                        # accepted at 04:00 office time the day after its deadline: still 10-25 in UTC, but late
                        task(at(10, 5), date(2026, 10, 25), at(10, 26, hour=4)),
                        task(at(9, 20), date(2026, 10, 1), at(9, 30)),
                        task(at(9, 1), date(2026, 9, 10), None)])


def _survey_rounds():
    """Two rounds of five answers each: 2026 Q3 (every score 3 → 50) and October (4 on one question, 5 on the
    other → 75 and 100 → 87.5), and a round in November that the October report must not show yet."""
    for title, start, scores in (("2026 Q3", date(2026, 7, 1), (3, 3)), ("2026-10", date(2026, 10, 1), (4, 5)),
                                 ("2026-11", date(2026, 11, 1), (1, 1))):
        survey = SurveyRound(title=title, period_start=start, period_end=start + timedelta(days=27),
                             questions=[SurveyQuestion(text="a", position=0), SurveyQuestion(text="b", position=1)])
        db.session.add(survey)
        db.session.flush()
        for _n in range(5):
            answer = SurveyAnswer(round_id=survey.id)
            db.session.add(answer)
            db.session.flush()
            db.session.add_all([SurveyScore(answer_id=answer.id, question_id=q.id, score=score)
                                for q, score in zip(survey.questions, scores, strict=True)])


@pytest.fixture
def data_set(app, make_user, make_department):
    suggestion_services.seed_default_categories()
    person = make_user()
    _suggestions(suggestion_services.categories()[0])
    _repairs(person)
    _visits(person)
    quality = _requests(person, make_department)
    _tasks(person, quality)
    _survey_rounds()
    db.session.commit()


EXPECTED = {
    "suggestions": [
        ("Received", "3", "2"), ("Answered", "3", "1"), ("Answered on time", "2", "1"),
        ("Share answered on time", "67%", "100%"), ("Satisfaction (1–5)", "3.0/5", "5.0/5"),
        ("Ratings given", "2", "1")],
    "repairs": [
        ("Emergency / safety: filed", "1", "1"), ("Emergency / safety: median time to respond", "20 min", "10 min"),
        ("Emergency / safety: median time to fix", "2 h 00 min", "1 h 00 min"),
        ("Emergency / safety: share fixed within the SLA", "100%", "100%"),
        ("Urgent: filed", "1", "0"), ("Urgent: median time to respond", "1 h 00 min", "—"),
        ("Urgent: median time to fix", "—", "—"), ("Urgent: share fixed within the SLA", "—", "—"),
        ("Normal: filed", "3", "1"), ("Normal: median time to respond", "2 h 00 min", "4 h 00 min"),
        ("Normal: median time to fix", "20 h 00 min", "2.0 days"),
        ("Normal: share fixed within the SLA", "67%", "0%"),
        ("Faults of Lab AC (AC-1)", "3", "1"), ("Faults of Printer (PR-2)", "1", "1"),
        ("Satisfaction (1–5)", "4.0/5", "1.0/5"), ("Ratings given", "2", "1")],
    "visits": [("Visits completed", "2", "1"), ("Satisfaction (1–5)", "4.0/5", "4.0/5"), ("Ratings given", "2", "1")],
    "requests": [
        ("Logistics: filed", "1", "0"), ("Logistics: share completed on time", "—", "—"),
        ("Quality: filed", "2", "1"), ("Quality: share completed on time", "50%", "100%"),
        ("Satisfaction (1–5)", "4.0/5", "—"), ("Ratings given", "1", "0")],
    "tasks": [("Tasks assigned", "4", "2"), ("Tasks accepted", "3", "1"),
              ("Overdue (deadline passed, not accepted by then)", "3", "1")],
    "survey": [("Latest satisfaction index (0–100)", "88/100", "50/100")],
}


def _shown(report) -> dict:
    return {s.key: [(str(f.label), exports.shown(f.kind, f.current), exports.shown(f.kind, f.previous))
                    for f in s.figures] for s in report.sections}


def test_every_figure_matches_the_hand_built_data(data_set):
    report = queries.monthly(date(2026, 10, 1))
    assert _shown(report) == EXPECTED


def test_the_change_column(data_set):
    figures = {(s.key, str(f.label)): f for s in queries.monthly(date(2026, 10, 1)).sections for f in s.figures}
    assert exports.change(figures["suggestions", "Received"]) == "+1"
    assert exports.change(figures["suggestions", "Share answered on time"]) == "-33 pts"
    assert exports.change(figures["repairs", "Satisfaction (1–5)"]) == "+3.0"
    assert exports.change(figures["repairs", "Normal: median time to respond"]) == "2 h 00 min"
    assert exports.change(figures["repairs", "Urgent: median time to fix"]) == "—"
    assert exports.change(figures["survey", "Latest satisfaction index (0–100)"]) == "+38"


def test_the_page_and_the_files_show_the_same_figures(client, login_as, data_set):
    login_as(Role.LEADER)
    page = client.get("/reports/monthly?month=2026-10").get_data(as_text=True)
    assert "Faults of Lab AC (AC-1)" in page and "20 h 00 min" in page and "67%" in page
    response = client.get("/reports/monthly.xlsx?month=2026-10")
    assert "attachment" in response.headers["Content-Disposition"] and "2026-10" in response.headers[
        "Content-Disposition"]
    rows = [tuple(r[:3]) for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    assert all(figure in rows for figures in EXPECTED.values() for figure in figures)
    document = Document(io.BytesIO(client.get("/reports/monthly.docx?month=2026-10").data))
    cells = [[c.text for c in row.cells][:3] for table in document.tables for row in table.rows]
    assert ["Quality: share completed on time", "50%", "100%"] in cells
    assert ["Overdue (deadline passed, not accepted by then)", "3", "1"] in cells
    assert len(document.tables) == 6


def test_the_query_count_does_not_grow_with_the_data(app, count_queries, make_user, make_department):
    with count_queries() as empty:
        queries.monthly(date(2026, 10, 1))
    suggestion_services.seed_default_categories()
    person = make_user()
    _suggestions(suggestion_services.categories()[0])
    _repairs(person)
    _visits(person)
    _tasks(person, _requests(person, make_department))
    _survey_rounds()
    db.session.commit()
    with count_queries() as full:
        queries.monthly(date(2026, 10, 1))
    # With data: the previous month's count of this month's top equipment, and the repair medians (one
    # statement for every urgency and both months, skipped when no repair has a time to take a median of).
    assert full.count == empty.count + 2
    assert full.count == 11


def test_a_median_of_an_even_count_is_the_mean_of_the_two_middle_times(app, make_user):
    """Medians are picked from the sorted times by position: with four, the second and third are averaged."""
    person, location = make_user(), Location(building="Lab", floor="1F", room="101")
    waits = (H, 2 * H, 3 * H, 10 * H)  # in another order than filed, so the pick must sort
    db.session.add_all([location, *(_repair(person, location, "urgent", at(10, 5, 8 + n), 2 * H, 24 * H, wait, None)
                                    for n, wait in enumerate(reversed(waits)))])
    db.session.commit()
    figures = {str(f.label): f for f in queries.monthly(date(2026, 10, 1)).sections[1].figures}
    assert exports.shown(DURATION, figures["Urgent: median time to respond"].current) == "2 h 30 min"
    assert figures["Urgent: median time to fix"].current is None


def test_a_repair_counts_in_the_office_month_it_was_filed_in(app, make_user):
    """The medians group requests by the office month they were filed in (Beijing time): 23:30 on 31 October
    is October and 00:30 on 1 November is November, though both are 31 October in UTC. Rows inserted
    without the ORM (as the benchmark fills its tables) get their month too, and the times taken."""
    person, location = make_user(), Location(building="Lab", floor="1F", room="101")
    late, early = at(10, 31, 23) + 30 * M, at(11, 1, 0) + 30 * M
    db.session.add_all([location, _repair(person, location, "normal", late, 2 * H, 24 * H, H, 2 * H)])
    db.session.flush()
    db.session.execute(insert(RepairRequest), [{
        "requester_id": person.id, "location_id": location.id, "category": "hvac", "urgency": "normal",
        "description": "x", "status": "done", "created_at": early, "response_due": early + 2 * H,
        "fix_due": early + 24 * H, "responded_at": early + 3 * H, "done_at": None}])
    db.session.commit()
    rows = db.session.execute(select(RepairRequest.created_at, RepairRequest.created_month,
                                     RepairRequest.response_seconds, RepairRequest.fix_seconds)
                              .order_by(RepairRequest.created_at)).all()
    assert [(month, round(respond), fix and round(fix)) for _at, month, respond, fix in rows] == [
        (date(2026, 10, 1), 3600, 7200), (date(2026, 11, 1), 3 * 3600, None)]
    october, november = (queries.monthly(date(2026, m, 1)).sections[1].figures for m in (10, 11))
    assert (str(october[8].label), exports.shown(DURATION, october[9].current)) == ("Normal: filed", "1 h 00 min")
    assert exports.shown(DURATION, november[9].current) == "3 h 00 min"


def test_a_request_counts_in_the_office_month_it_was_filed_in_whole_days_and_edges_alike(app, make_user,
                                                                                         make_department):
    """The request figures add a month's whole UTC days from the day rows and its two edges from the requests:
    00:30 on 1 November (office time) is 31 October in UTC and still November; 23:30 on 30 November is
    November, 00:30 on 1 December is not. A request done after it was filed counts from its day row."""
    department = make_department(code="QA", name_zh="质量部", name_en="Quality")
    kind = RequestType(name_zh="t", name_en="t", department=department)

    def filed(created):
        return ServiceRequest(type=kind, department=department, requester=make_user(), text="需要 💡",
                              status="submitted", created_at=created, answer_due=created + H,
                              complete_due=created + 24 * H)
    made = [filed(at(10, 31, 23) + 30 * M), filed(at(11, 1, 0) + 30 * M), filed(at(11, 15)),
            filed(at(11, 30, 23) + 30 * M), filed(at(12, 1, 0) + 30 * M)]
    db.session.add_all([kind, *made])
    db.session.commit()
    made[1].status, made[1].done_at = "done", made[1].created_at + 2 * H    # on time
    made[2].status, made[2].done_at = "done", made[2].created_at + 48 * H   # late
    db.session.commit()
    section = next(s for s in queries.monthly(date(2026, 11, 1)).sections if s.key == "requests")
    november = {str(f.label): f for f in section.figures}
    assert (november["Quality: filed"].current, november["Quality: filed"].previous) == (3, 1)
    assert exports.shown(november["Quality: share completed on time"].kind,
                         november["Quality: share completed on time"].current) == "50%"


def test_completing_and_reopening_a_repair_moves_the_median_at_once(app, make_user):
    """The times taken are worked out by the database on each write: the report made right after a repair is
    completed shows its time to fix, and after the requester reopens it, shows none again."""
    requester, technician = make_user(), make_user(Role.MAINTENANCE)
    location, filed = Location(building="Lab", floor="1F", room="101"), utcnow() - M
    repair = _repair(requester, location, "urgent", filed, 2 * H, 24 * H, 10 * M, None)
    repair.status, repair.assignee = "in_progress", technician
    db.session.add_all([location, repair])
    db.session.commit()
    month = to_local(filed).date().replace(day=1)

    def time_to_fix():
        figures = {str(f.label): f for f in queries.monthly(month).sections[1].figures}
        return figures["Urgent: median time to fix"].current

    assert time_to_fix() is None
    repair_services.act(repair, technician, "complete", version=repair.version, note="fixed")
    assert timedelta(0) <= time_to_fix() <= timedelta(minutes=2)
    repair_services.act(repair, requester, "reopen", version=repair.version, note="still warm")
    assert time_to_fix() is None


@pytest.mark.parametrize("month", ["2026-13", "November", "1900-01"])
def test_a_bad_month_is_a_field_error_with_the_text_kept(client, login_as, month):
    login_as(Role.OFFICE)
    response = client.get(f"/reports/monthly?month={month}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write the month as year-month, like 2026-11." in page and f'value="{month}"' in page
    assert client.get(f"/reports/monthly.xlsx?month={month}").status_code == 422


def test_the_report_opens_on_the_last_full_month(client, login_as):
    login_as(Role.OFFICE)
    page = client.get("/reports/monthly").get_data(as_text=True)
    assert "Monthly report" in page and "Word file (.docx)" in page
