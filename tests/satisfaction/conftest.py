"""Builders for rating tests: the repair builders of tests/repairs, visits and requests written straight to
their tables in the status a rating needs."""
import itertools
from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.calendar.clock import after_working_days
from app.extensions import db
from app.requests.models import RequestType, ServiceRequest
from app.timeutil import utcnow
from app.visits import checklist
from tests.repairs.conftest import make_location, make_repair  # noqa: F401  (fixtures)
from tests.requests.conftest import sign_in  # noqa: F401
from tests.visits.conftest import make_visit  # noqa: F401  (fixture)

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def completed_visit(app, make_visit):  # noqa: F811  (the imported fixture)
    """make a visit and mark it completed (the checklist's own way there is tested in tests/visits)."""
    checklist.seed_templates()

    def make(**kwargs):
        visit = make_visit(**kwargs)
        visit.status = "completed"
        visit.arrived_at = visit.expected_arrival
        visit.departed_at = visit.expected_departure
        db.session.commit()
        return visit
    return make


@pytest.fixture
def done_request(app, make_user, make_department):
    def make(requester=None, status="done"):
        department = make_department()
        request_type = RequestType(name_zh="用车申请", name_en="Car request", department=department)
        now = utcnow() - timedelta(days=1)
        item = ServiceRequest(type=request_type, department=department, requester=requester or make_user(),
                              text="a car to the airport", status=status, created_at=now,
                              answer_due=after_working_days(now, 1), complete_due=after_working_days(now, 3),
                              answered_at=now, done_at=now + timedelta(hours=2), answer="done")
        db.session.add_all([request_type, item])
        db.session.commit()
        return item
    return make
