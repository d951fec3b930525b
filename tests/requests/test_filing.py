"""Filing a request from a phone: the type's fields, files checked by their bytes, one request per double tap."""
import re

from sqlalchemy import func, select

from app.extensions import db
from app.notifications.models import Notification
from app.requests.models import RequestFile, ServiceRequest
from tests.repairs.conftest import photo_bytes
from tests.requests.conftest import docx_bytes, pdf_bytes

FIELDS = "产品型号 Product model* | text\n数量 Quantity | number\n需要日期 Needed by | date\n" \
         "车型 Vehicle | choice | Car, Van"


def _token(client, type_id) -> str:
    page = client.get(f"/requests/new?type={type_id}").get_data(True)
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def _count(model=ServiceRequest) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_sales_files_a_test_report_request_and_quality_is_told(client, login_as, make_type, make_handler):
    request_type = make_type(fields_spec=FIELDS)
    handler = make_handler(request_type.department)
    login_as()
    page = client.get(f"/requests/new?type={request_type.id}").get_data(True)
    assert "Product model" in page and "Vehicle" in page
    response = client.post("/requests/new", data={
        "type_id": request_type.id, "text": "客户要XR-200的检测报告", "token": _token(client, request_type.id),
        "extra_0": "XR-200", "extra_1": "2", "extra_2": "2026-12-01", "extra_3": "Van",
        "files": [(pdf_bytes(), "report-form.pdf"), (photo_bytes(), "label.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    item = db.session.scalar(select(ServiceRequest))
    assert item.department_id == request_type.department_id
    assert item.extra_pairs[0] == ["产品型号 Product model", "XR-200"]
    assert {f.content_type for f in item.files} == {"application/pdf", "image/jpeg"}
    assert item.answer_due > item.created_at and item.complete_due >= item.answer_due
    told = db.session.scalar(select(Notification).where(Notification.user_id == handler.id))
    assert told is not None and "XR-200" in told.message and told.kind == "request_update"
    detail = client.get(response.headers["Location"]).get_data(True)
    assert "XR-200" in detail and "report-form.pdf" in detail


def test_a_double_tap_files_one_request(client, login_as, make_type):
    request_type = make_type()
    login_as()
    token = _token(client, request_type.id)
    data = {"type_id": request_type.id, "text": "need it", "token": token}
    first, second = client.post("/requests/new", data=data), client.post("/requests/new", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1


def test_bad_input_gets_every_field_error_at_once_and_keeps_the_text(client, login_as, make_type):
    request_type = make_type(fields_spec=FIELDS)
    login_as()
    response = client.post("/requests/new", data={
        "type_id": request_type.id, "text": "", "token": _token(client, request_type.id),
        "extra_1": "many", "extra_2": "not a date", "extra_3": "Bicycle"})
    page = response.get_data(True)
    assert response.status_code == 422
    assert "This field is required." in page        # the text and the required model
    assert "Write a number." in page and "Choose a date." in page and "Choose one of the listed answers." in page
    assert 'value="many"' in page
    # All listed at the top, the type's own fields among them, each linked to its field.
    summary = page.split('class="form-errors error-summary" role="alert"')[1].split("</div>")[0]
    assert "These fields need attention: 5" in summary
    for field in ("text", "extra_0", "extra_1", "extra_2", "extra_3"):
        assert f'<a href="#{field}">' in summary, field
    assert "Fields marked * are required." in page
    assert _count() == 0


def test_a_renamed_program_is_refused_as_a_document(client, login_as, make_type):
    request_type = make_type()
    login_as()
    response = client.post("/requests/new", data={
        "type_id": request_type.id, "text": "see file", "token": _token(client, request_type.id),
        "files": [(__import__("io").BytesIO(b"MZ\x90\x00 not a pdf"), "quote.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Only photos, PDF, Word, Excel or PowerPoint files can be attached." in response.get_data(True)
    assert _count() == 0 and _count(RequestFile) == 0


def test_an_office_document_is_accepted_by_its_bytes(client, login_as, make_type):
    request_type = make_type()
    login_as()
    response = client.post("/requests/new", data={
        "type_id": request_type.id, "text": "spec attached", "token": _token(client, request_type.id),
        "files": [(docx_bytes(), "spec.docx")]}, content_type="multipart/form-data")
    assert response.status_code == 303
    stored = db.session.scalar(select(RequestFile))
    download = client.get(f"/requests/files/{stored.id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype.endswith("wordprocessingml.document")


def test_more_than_three_files_are_refused(client, login_as, make_type):
    request_type = make_type()
    login_as()
    response = client.post("/requests/new", data={
        "type_id": request_type.id, "text": "many", "token": _token(client, request_type.id),
        "files": [(pdf_bytes(), f"{n}.pdf") for n in range(4)]}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Attach at most 3 files." in response.get_data(True)


def test_a_type_for_chosen_departments_is_not_offered_to_others(client, login_as, make_type, make_department):
    sales = make_department(code="SAL")
    request_type = make_type(filers=str(sales.id))
    login_as()  # no department
    page = client.get("/requests/new").get_data(True)
    assert "Test report request" not in page
    response = client.post("/requests/new", data={"type_id": request_type.id, "text": "x",
                                                 "token": _token(client, request_type.id)})
    assert response.status_code == 422 and _count() == 0


def test_a_type_no_longer_in_use_is_not_offered_nor_filed(client, login_as, make_type):
    in_use = make_type()
    retired = make_type(active=False)
    retired.name_en = "Old car request"
    db.session.commit()
    login_as()
    page = client.get("/requests/new").get_data(True)
    assert f'<option value="{in_use.id}">Test report request</option>' in page
    assert "Old car request" not in page
    response = client.post("/requests/new", data={"type_id": retired.id, "text": "x",
                                                 "token": _token(client, retired.id)})
    assert response.status_code == 422 and "Choose a type of request from the list." in response.get_data(True)
    assert _count() == 0
