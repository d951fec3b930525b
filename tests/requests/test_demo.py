"""The demo data shows the office real figures on a fresh install: Sales files the test report requests to
Quality, some answered on time, some late, one handed over; seeding again adds nothing."""
from sqlalchemy import func, select

from app.auth.services import find_by_login
from app.cli import seed_demo
from app.extensions import db
from app.requests.models import RequestEvent, ServiceRequest
from tests.conftest import PASSWORD


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_fresh_install_shows_real_figures_and_seeding_twice_adds_nothing(app, client):
    seed_demo()
    office = find_by_login("office")
    office.set_password(PASSWORD)
    db.session.commit()
    client.post("/login", data={"login": "office", "password": PASSWORD})
    home = client.get("/").get_data(True)
    # Quality: one answered on time, one late, one never answered although long overdue; one still running.
    assert "Quality: <strong>33%</strong>" in home
    page = client.get("/requests/office").get_data(True)
    assert "Purchasing → Quality" in page and "Quality sets the test standard" in page  # the hand-over
    figures = page.split('id="figures"')[1]
    test_reports = figures.split("<strong>Quality · Test report request</strong>")[1].split("</li>")[0]
    assert "<dt>Answered on time</dt><dd>33%</dd>" in test_reports
    assert "<dt>Completed on time</dt><dd>33%</dd>" in test_reports
    sales = find_by_login("liaison-sales")
    filed_by_sales = db.session.scalars(select(ServiceRequest).where(ServiceRequest.requester_id == sales.id))
    assert {item.type.name_en for item in filed_by_sales} == {"Test report request"}
    counts = _count(ServiceRequest), _count(RequestEvent)
    seed_demo(force=True)
    assert (_count(ServiceRequest), _count(RequestEvent)) == counts
