"""The office's view: open requests, medians and on-time shares per department and type, export, home cards;
the catalogue and the handler list."""
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.requests import stats
from app.requests.models import RequestHandler, RequestType, ServiceRequest
from app.timeutil import utcnow
from tests.requests.conftest import sign_in


def _done(request_type, requester, hours_to_answer, hours_to_done, days_ago=1, answer_due_hours=8):
    created = utcnow() - timedelta(days=days_ago)
    item = ServiceRequest(type=request_type, department_id=request_type.department_id, requester=requester,
                          text="x", created_at=created, answer_due=created + timedelta(hours=answer_due_hours),
                          complete_due=created + timedelta(hours=24), status="confirmed",
                          answered_at=created + timedelta(hours=hours_to_answer),
                          done_at=created + timedelta(hours=hours_to_done))
    db.session.add(item)
    db.session.commit()
    return item


def test_medians_and_on_time_share_per_department_and_type(app, make_user, make_type):
    request_type, sales = make_type(), make_user()
    for answer, done in ((1, 4), (2, 30), (10, 6), (4, 8)):
        _done(request_type, sales, answer, done)
    _done(request_type, sales, 100, 100, days_ago=60)  # only in the 90-day window
    [row] = stats.table(30)
    assert row.filed == 4
    assert row.median_answer == timedelta(hours=3)      # median of 1, 2, 4, 10
    assert row.median_done == timedelta(hours=7)        # median of 4, 6, 8, 30
    assert row.answered_on_time == 0.75 and row.done_on_time == 0.75
    [row90] = stats.table(90)
    assert row90.filed == 5 and row90.median_answer == timedelta(hours=4)



def test_each_department_and_type_has_its_own_medians(app, make_user, make_type, make_department):
    """The medians are taken per department and type (each sorted in the database, only its middle read): an
    odd count's middle, an even count's mean of the two, and none for a type nothing was done for yet."""
    sales = make_user()
    first, second = make_type(), make_type(department=make_department())
    for answer, done in ((5, 9), (1, 20), (3, 7)):
        _done(first, sales, answer, done)
    for answer in (2, 6):
        item = _done(second, sales, answer, 1)
        item.done_at, item.status = None, "in_progress"
    db.session.commit()
    rows = {row.request_type.id: row for row in stats.table(30)}
    assert (rows[first.id].median_answer, rows[first.id].median_done) == (timedelta(hours=3), timedelta(hours=9))
    assert (rows[second.id].median_answer, rows[second.id].median_done) == (timedelta(hours=4), None)


def _never_answered(request_type, requester, days_ago=3, **values):
    """Filed `days_ago` days ago with a one-day answer clock and a two-day completion clock, never answered."""
    created = utcnow() - timedelta(days=days_ago)
    item = ServiceRequest(type=request_type, department_id=request_type.department_id, requester=requester,
                          text="still waiting", created_at=created, answer_due=created + timedelta(days=1),
                          complete_due=created + timedelta(days=2), **values)
    db.session.add(item)
    db.session.commit()
    return item


def test_requests_never_answered_past_their_due_time_count_as_late(client, login_as, make_user, make_type):
    request_type, sales = make_type(), make_user()
    _done(request_type, sales, 1, 2)                       # answered and done on time
    for _n in range(3):
        _never_answered(request_type, sales)               # days past both clocks, nobody answered
    _never_answered(request_type, sales, days_ago=0)       # filed just now: its clocks still run, not counted
    # Cancelled before its answer was due: nobody was late; cancelled after it: the requester waited in vain.
    early = _never_answered(request_type, sales, status="cancelled")
    early.closed_at = early.created_at + timedelta(hours=1)
    _never_answered(request_type, sales, status="cancelled", closed_at=utcnow())
    # Waiting for the requester since before its completion was due: its clock stands still, not late.
    asked = _never_answered(request_type, sales, status="waiting")
    asked.answered_at = asked.waiting_since = asked.created_at + timedelta(hours=2)
    db.session.commit()
    [row] = stats.table(30)
    assert row.filed == 8
    assert row.answered_on_time == 2 / 6     # 1 and the waiting one on time, of 6: 4 never answered in time
    assert row.done_on_time == 1 / 5         # 1 done on time, of 5: the 3 ignored and the late cancelled
    login_as(Role.OFFICE)
    assert "Testing: <strong>33%</strong>" in client.get("/").get_data(True)


def test_the_office_card_shows_each_departments_on_time_share(client, login_as, make_user, make_type):
    request_type, sales = make_type(), make_user()
    _done(request_type, sales, 1, 2)
    _done(request_type, sales, 20, 21)
    login_as(Role.OFFICE)
    home = client.get("/").get_data(True)
    assert "Cross-department requests" in home
    assert "Testing: <strong>50%</strong>" in home  # one of two answered by its due time


def test_a_handler_card_counts_waiting_and_overdue(client, make_user, make_type, make_handler):
    request_type, sales = make_type(), make_user()
    handler = make_handler(request_type.department)
    now = utcnow()
    for due in (now + timedelta(hours=5), now - timedelta(hours=1), now + timedelta(hours=3)):
        db.session.add(ServiceRequest(type=request_type, department_id=request_type.department_id,
                                      requester=sales, text="x", created_at=now - timedelta(hours=2),
                                      answer_due=due, complete_due=due + timedelta(days=1)))
    db.session.commit()
    sign_in(client, handler)
    home = client.get("/").get_data(True)
    assert "3 requests waiting for your department" in home and "1 overdue" in home


def test_export_as_csv_and_xlsx(client, login_as, make_user, make_type):
    request_type = make_type()
    _done(request_type, make_user(name="Sales Wang"), 1, 2)
    login_as(Role.OFFICE)
    csv_text = client.get("/requests/office/export").get_data().decode("utf-8-sig")
    assert "Sales Wang" in csv_text and "Test report request" in csv_text
    response = client.get("/requests/office/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet["D2"].value == "Sales Wang"


def test_the_office_keeps_the_catalogue(client, login_as, make_department):
    quality = make_department(code="QA", name_en="Quality")
    login_as(Role.OFFICE)
    bad = client.post("/requests/types/new", data={
        "name_zh": "检测报告申请", "name_en": "", "department_id": quality.id, "answer_days": 1,
        "complete_days": 0, "fields_spec": "Model | colour"})
    page = bad.get_data(True)
    assert bad.status_code == 422 and "检测报告申请" in page
    assert "This field is required." in page
    good = client.post("/requests/types/new", data={
        "name_zh": "检测报告申请", "name_en": "Test report request", "department_id": quality.id,
        "answer_days": 1, "complete_days": 3, "fields_spec": "Model* | text", "active": "y"})
    assert good.status_code == 303
    saved = db.session.scalar(select(RequestType))
    assert saved.answer_days == 1 and saved.department_id == quality.id
    assert "检测报告申请" in client.get("/requests/types").get_data(True)


def test_a_bad_extra_field_line_is_named(client, login_as, make_department):
    quality = make_department()
    login_as(Role.ADMIN)
    response = client.post("/requests/types/new", data={
        "name_zh": "用车申请", "name_en": "Car", "department_id": quality.id, "answer_days": 1,
        "complete_days": 2, "fields_spec": "Vehicle | choice"})
    assert response.status_code == 422 and "Line 1" in response.get_data(True)


def test_the_office_names_handlers(client, login_as, make_user, make_department):
    quality, person = make_department(), make_user(login="qa-li")
    login_as(Role.OFFICE)
    assert client.post("/requests/handlers", data={"login": "nobody", "department_id": quality.id}).status_code == 422
    assert client.post("/requests/handlers", data={"login": "qa-li", "department_id": quality.id}).status_code == 303
    handler = db.session.scalar(select(RequestHandler))
    assert handler.user_id == person.id
    assert client.post(f"/requests/handlers/{handler.id}/remove").status_code == 303
    assert db.session.scalar(select(RequestHandler)) is None


def _first_option(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select and "required" in select.group(0), f"{name} is not a required select"
    return re.search(r"<option[^>]*>", select.group(1)).group(0)


def test_required_department_selects_start_with_an_empty_choice(client, login_as, make_type):
    """HTML asks a required select to start with a value-less placeholder (issue 18)."""
    request_type = make_type()
    login_as(Role.OFFICE)
    for path in ("/requests/handlers", "/requests/types/new", f"/requests/types/{request_type.id}"):
        assert _first_option(client.get(path).get_data(True), "department_id") == '<option value="">', path
    skipped = client.post("/requests/handlers", data={"login": "nobody-yet", "department_id": ""})
    page = skipped.get_data(True)
    assert skipped.status_code == 422 and 'id="department_id-error">Choose a department.' in page
    assert 'value="nobody-yet"' in page


def test_the_type_form_shows_every_error_at_once_at_the_top(client, login_as, make_department):
    quality = make_department()
    login_as(Role.OFFICE)
    response = client.post("/requests/types/new", data={
        "name_zh": "", "name_en": "", "department_id": quality.id, "answer_days": 0, "complete_days": 2})
    page = response.get_data(True)
    assert response.status_code == 422
    assert "Fields marked * are required." in page
    summary = page.split('class="form-errors error-summary" role="alert"')[1].split("</div>")[0]
    assert "These fields need attention: 3" in summary
    for field in ("name_zh", "name_en", "answer_days"):
        assert f'<a href="#{field}">' in summary, field


def test_the_office_list_rows_speak_the_readers_language(client, login_as, make_user, make_type):
    """The rows' names, badges and words are looked up once per page (app/requests/rows.py), in the reader's
    language: the type's and department's own names, the status and the overdue badge, who handles it."""
    reader = login_as(Role.OFFICE)
    item = _never_answered(make_type(), make_user(), status="in_progress", handler=make_user(name="Li <Lei>"))
    english = ("Test report request", "→ Testing", "In progress", "Overdue", "Handled by", "Answer:", "Completion:")
    chinese = ("检测报告申请", "→ 测试部", "处理中", "已逾期", "处理人：", "答复：", "办结：")
    for language, words in (("en", english), ("zh_CN", chinese)):
        reader.locale = language
        db.session.commit()
        html = client.get("/requests/office").get_data(True)
        row = re.search(rf'<li class="row-card is-overdue">.*?#{item.id}.*?</li>', html, re.S).group(0)
        assert all(word in row for word in words), (language, row)
        assert "Li &lt;Lei&gt;" in row
