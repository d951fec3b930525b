"""The technical staff's part of a visit: the checklist's "test the projector" step is the booking's equipment
check, so the visit's link takes the technical person to the check they tick (not to a 404)."""
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.rooms import holds
from app.rooms.models import EquipmentCheck
from app.visits.models import Visit

DEMO_PASSWORD = "demo-pass-2026"


def _demo(app, client, login: str):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    client.post("/logout")
    assert client.post("/login", data={"login": login, "password": DEMO_PASSWORD}).status_code == 303


def _visit_with_check():
    for visit in db.session.scalars(select(Visit).order_by(Visit.id)):
        booking = holds.booking_of_visit(visit.id)
        if booking is not None and booking.check is not None:
            return visit, booking.check
    raise AssertionError("the demo data has no visit with an equipment check")


def test_the_demo_technical_person_opening_a_visit_lands_on_its_equipment_check_and_ticks_it(app, client):
    _demo(app, client, "liaison-tech")
    visit, check = _visit_with_check()
    response = client.get(f"/visits/{visit.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/rooms/checks/{check.id}")
    page = client.get(f"/rooms/checks/{check.id}")
    assert page.status_code == 200 and "result" in page.get_data(as_text=True)
    assert client.post(f"/rooms/checks/{check.id}", data={"result": "ok"}).status_code == 303
    assert db.session.get(EquipmentCheck, check.id).status == "ok"
    # The visit's technical step is ticked with it, as the office sees on the visit page.
    steps = [s for s in db.session.get(Visit, visit.id).steps if s.responsible == "technical"]
    assert steps and all(s.state == "done" for s in steps)


def test_a_visit_without_an_equipment_check_stays_hidden_from_the_technical_person(app, client):
    _demo(app, client, "liaison-tech")
    without = [v for v in db.session.scalars(select(Visit)) if holds.booking_of_visit(v.id) is None
               or holds.booking_of_visit(v.id).check is None]
    assert without and client.get(f"/visits/{without[0].id}").status_code == 404
    other = db.session.scalar(select(User).where(User.login == "liaison-sales"))
    visit, _check = _visit_with_check()
    client.post("/logout")
    client.post("/login", data={"login": other.login, "password": DEMO_PASSWORD})
    assert client.get(f"/visits/{visit.id}").status_code == 404


def test_the_visit_page_links_the_technical_step_to_its_check(app, client):
    _demo(app, client, "office")
    visit, check = _visit_with_check()
    assert f"/rooms/checks/{check.id}" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
