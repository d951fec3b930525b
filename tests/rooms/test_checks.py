"""The equipment check one hour before: a real technical person gets it (the on-duty one when on the roster),
ticks OK or a problem; a problem tells the organiser and the office at once and becomes a repair in one tap;
a visit's "test the projector" step is the same task."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.repairs.models import DutyShift, Location, Shift
from app.rooms import jobs
from app.rooms.models import Booking, EquipmentCheck
from app.timeutil import to_local, utcnow
from tests.rooms.conftest import at, sign_in


def _told(user, like: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.message.like(like)))


def test_a_booking_with_a_projector_gets_a_check_due_an_hour_before_for_a_technical_person(
        make_room, make_user, tech, book):
    first, second = make_user(name="Tech A", department=tech), make_user(name="Tech B", department=tech)
    make_user(name="Not technical")
    booking = book(make_user(), make_room(), needs=("projector", "tea"))
    check = booking.check
    assert check.due_at == booking.starts_at - timedelta(hours=1)
    assert check.assignee == first and _told(first, "Check Projector in 302%") == 1
    # The next check that day goes to the one with fewer open checks that day.
    later = book(make_user(), make_room("303"), hour=14, needs=("projector",))
    assert later.check.assignee == second
    # Tea alone needs no check.
    assert book(make_user(), make_room("304"), needs=("tea",)).check is None


def test_the_on_duty_person_gets_the_check_when_they_are_technical_staff(make_room, make_user, tech, book):
    make_user(name="Tech A", department=tech)
    on_duty = make_user(Role.MAINTENANCE, name="Tech On Duty", department=tech)
    due_day = to_local(at(3, 9)).date()
    db.session.add(DutyShift(day=due_day, shift=Shift.DAY, user_id=on_duty.id))
    db.session.commit()
    assert book(make_user(), make_room(), needs=("projector",)).check.assignee == on_duty


def test_the_technical_person_marks_a_problem_and_the_organiser_and_office_are_told(
        client, make_room, make_user, tech, book):
    technician = make_user(name="Tech A", department=tech)
    colleague = make_user(name="Tech B", department=tech)
    office, organiser = make_user(Role.OFFICE), make_user(name="Organiser")
    room = make_room()
    db.session.add(Location(building="行政楼", floor="3F", room="302 小会议室"))
    db.session.commit()
    check = book(organiser, room, needs=("projector",)).check
    sign_in(client, colleague)  # any technical person may tick, not only the assignee
    page = client.get(f"/rooms/checks/{check.id}").get_data(as_text=True)
    assert "Checked, OK" in page
    refused = client.post(f"/rooms/checks/{check.id}", data={"result": "problem", "note": ""})
    assert refused.status_code == 422 and "Say what is wrong" in refused.get_data(as_text=True)
    response = client.post(f"/rooms/checks/{check.id}", data={"result": "problem", "note": "投影仪灯泡坏了 bulb"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (check.status, check.checked_by_id) == ("problem", colleague.id)
    assert _told(organiser, "Equipment problem in 302%bulb") == 1 and _told(office, "Equipment problem%") == 1
    page = client.get(f"/rooms/checks/{check.id}").get_data(as_text=True).replace("&amp;", "&")
    location = db.session.scalar(select(Location))
    assert "Report as a repair" in page and f"location={location.id}" in page and "category=it" in page
    repair_form = client.get(f"/repairs/new?location={location.id}&category=it&description=bulb")
    assert "bulb" in repair_form.get_data(as_text=True)
    # Done once: a second tick is told what happened.
    again = client.post(f"/rooms/checks/{check.id}", data={"result": "ok"})
    assert again.status_code == 409 and "Tech B already recorded this check" in again.get_data(as_text=True)
    assert technician is not None


def test_people_outside_the_technical_department_cannot_tick(client, login_as, make_room, make_user, tech, book):
    make_user(name="Tech A", department=tech)
    organiser = login_as()
    check = book(organiser, make_room(), needs=("projector",)).check
    assert client.get(f"/rooms/checks/{check.id}").status_code == 200  # the organiser follows it
    response = client.post(f"/rooms/checks/{check.id}", data={"result": "ok"})
    assert response.status_code == 422 and db.session.get(EquipmentCheck, check.id).status == "open"
    sign_in(client, make_user())
    assert client.get(f"/rooms/checks/{check.id}").status_code == 404
    assert client.get("/rooms/checks").status_code == 403


def test_the_office_card_lists_todays_checks(client, login_as, make_room, make_user, tech, book):
    if to_local(utcnow()).hour >= 22:
        pytest.skip("the 22:00 booking would start in the past: no whole hour is left today")
    make_user(name="Tech A", department=tech)
    booking = book(make_user(), make_room(), days=0, hour=22, needs=("projector",))
    assert to_local(booking.check.due_at).date() == to_local(at(0, 21)).date()
    login_as(Role.OFFICE)
    home = client.get("/").get_data(as_text=True)
    assert "Today's equipment checks" in home and "302 小会议室" in home and "Tech A" in home


def test_the_nudge_before_a_due_check_is_sent_once(app, make_room, make_user, tech, book, monkeypatch):
    technician = make_user(name="Tech A", department=tech)
    check = book(make_user(), make_room(), needs=("projector",)).check
    monkeypatch.setattr(jobs, "utcnow", lambda: check.due_at - timedelta(minutes=10))
    assert jobs.nudge_due_checks() == "1 check nudge(s)"
    assert jobs.nudge_due_checks() == "0 check nudge(s)"
    assert _told(technician, "Equipment check due at%") == 1


def test_a_visits_projector_step_is_the_technical_departments_check(client, make_room, make_user, tech):
    from app.visits import checklist
    from app.visits import services as visits
    from app.visits.models import VisitStep
    checklist.seed_templates()
    technician = make_user(name="Tech A", department=tech)
    room, office, host = make_room(), make_user(Role.OFFICE), make_user()
    visit = visits.create_visit(office, visits.VisitData(
        organisation="华为", visitor_names="张伟", visitor_count=1, purpose="介绍", visit_type="customer",
        host_id=host.id, expected_arrival=at(3, 10), expected_departure=at(3, 12), owner_id=office.id,
        room_id=room.id))
    check = db.session.scalar(select(Booking).where(Booking.visit_id == visit.id)).check
    assert check.assignee == technician and check.due_at == at(3, 9)
    sign_in(client, technician)
    assert "华为" in client.get("/rooms/checks").get_data(as_text=True)
    assert client.post(f"/rooms/checks/{check.id}", data={"result": "ok"}).status_code == 303
    step = db.session.scalar(select(VisitStep).where(VisitStep.visit_id == visit.id,
                                                     VisitStep.responsible == "technical"))
    assert (step.state, step.done_by_id) == ("done", technician.id)
