"""Builders for request tests: departments, handlers, catalogue entries, and real document bytes."""
import io
import itertools
import zipfile

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.requests.models import RequestHandler, RequestType
from tests.conftest import PASSWORD

_n = itertools.count(1)


def pdf_bytes() -> io.BytesIO:
    return io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def docx_bytes() -> io.BytesIO:
    """A minimal Office Open XML word file: a zip with [Content_Types].xml and a word/ part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    buffer.seek(0)
    return buffer


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def sign_in(client, user) -> None:
    """Sign in through the real login form as an existing user (their password is the fixtures' one)."""
    client.post("/logout")
    response = client.post("/login", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 303


@pytest.fixture
def make_handler(app, make_user):
    def make(department, user=None):
        user = user or make_user(department=department)
        db.session.add(RequestHandler(department_id=department.id, user_id=user.id))
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_type(app, make_department):
    def make(department=None, answer_days=1, complete_days=3, fields_spec="", filers="", active=True):
        request_type = RequestType(name_zh="检测报告申请", name_en="Test report request",
                                   department=department or make_department(), answer_days=answer_days,
                                   complete_days=complete_days, fields_spec=fields_spec,
                                   filer_department_ids=filers, active=active)
        db.session.add(request_type)
        db.session.commit()
        return request_type
    return make
