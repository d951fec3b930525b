"""Booking a room: one clash check for everything that holds a room, its refusal with who holds it and free
rooms of similar size, double taps, series with exceptions, approval, moving and cancelling with notices."""
import threading

from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.rooms import services
from app.rooms.models import Attendee, Booking
from tests.conftest import PASSWORD
from tests.rooms.conftest import at, form, sign_in


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_an_employee_books_a_free_slot_and_attendees_are_invited_with_a_calendar_file(
        client, login_as, make_room, make_user, make_department):
    room = make_room()
    sales = make_department(code="SALES2")
    colleague, seller = make_user(name="Colleague Wang"), make_user(name="Seller Li", department=sales)
    organiser = login_as(name="Organiser Zhao")
    response = client.post("/rooms/new", data=form(room, needs="projector", attendee_ids=str(colleague.id),
                                                   department_ids=str(sales.id), agenda="1. 方案\n2. 预算"))
    assert response.status_code == 303
    booking = db.session.scalar(select(Booking))
    assert (booking.room_id, booking.organiser_id, booking.need_projector) == (room.id, organiser.id, True)
    assert sorted(a.user.name for a in booking.attendees) == ["Colleague Wang", "Seller Li"]
    note = db.session.scalar(select(Notification).where(Notification.user_id == seller.id))
    assert "invites you to “产品评审 Product review” in 302 小会议室" in note.message
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Seller Li" in page and "No answer yet" in page and "1. 方案" in page


def test_the_invitation_carries_an_ics_with_the_booking_uid(app, make_room, make_user, book):
    from app.notifications.models import Delivery
    person = make_user()
    person.email = "p@example.com"
    db.session.commit()
    app.config.update(MAIL_URL="smtp://127.0.0.1:1", MAIL_FROM="hub@example.com")
    booking = book(make_user(), make_room(), attendee_ids=(person.id,))
    delivery = db.session.scalar(select(Delivery).join(Delivery.notification)
                                 .where(Notification.user_id == person.id))
    assert delivery is not None and f"UID:booking-{booking.id}@officehub" in delivery.attachment
    assert "METHOD:PUBLISH" in delivery.attachment and "SEQUENCE:0" in delivery.attachment


def test_a_second_booking_of_the_same_slot_is_refused_naming_the_holder_and_free_rooms(
        client, login_as, make_room, make_user, book):
    room = make_room("302 小会议室", capacity=8)
    similar, _big, busy = make_room("303", capacity=10), make_room("大礼堂", capacity=200), make_room("304", capacity=8)
    holder = make_user(name="Holder Sun")
    book(holder, room, title="周会")
    book(holder, busy, title="别的会")
    login_as()
    response = client.post("/rooms/new", data=form(room, start="10:30", end="11:30", title="我的会"))
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "302 小会议室 is already booked from" in body and "Holder Sun" in body and "周会" in body
    assert body.index("303") < body.index("大礼堂")  # similar size first; the busy one is not offered
    assert f"rooms/new?room={similar.id}" in body.replace("&amp;", "&") and f"room={busy.id}&" not in body
    assert 'value="我的会"' in body  # what was typed stays
    assert _count(Booking) == 2


def test_touching_slots_do_not_clash(make_room, make_user, book):
    room, user = make_room(), make_user()
    book(user, room, hour=10)
    book(user, room, hour=11)
    assert _count(Booking) == 2


def test_a_visit_holding_the_room_refuses_a_meeting_there(make_room, make_user, book, app):
    from app.visits import checklist
    from app.visits import services as visits
    checklist.seed_templates()
    room, office, host = make_room(), make_user(Role.OFFICE), make_user()
    visit = visits.create_visit(office, visits.VisitData(
        organisation="华为", visitor_names="张伟", visitor_count=1, purpose="介绍", visit_type="customer",
        host_id=host.id, expected_arrival=at(3, 9), expected_departure=at(3, 12), owner_id=office.id,
        room_id=room.id))
    held = db.session.scalar(select(Booking).where(Booking.visit_id == visit.id))
    assert held is not None and held.need_projector  # the customer checklist tests the projector
    try:
        book(make_user(), room, hour=10)
    except services.SlotTaken as taken:
        assert "华为" in str(taken)
    else:
        raise AssertionError("the visit's room was booked twice")


def _browser(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303
    return client


def test_two_people_booking_the_same_slot_at_once_get_one_booking_and_one_409(app, make_room, make_user,
                                                                                 monkeypatch):
    """Both have checked the form and read a free room before either locks it: the room row's lock makes
    the second wait, see the first booking and be refused; on SQLite and PostgreSQL alike."""
    room = make_room()
    make_room("303", capacity=8)
    first, second = make_user(name="First"), make_user(name="Second")
    clients = [_browser(app, first), _browser(app, second)]
    have_read, real = threading.Barrier(2, timeout=20), services.lock_room
    waited = threading.local()

    def read_then_lock(room_id):
        if not getattr(waited, "done", False):
            waited.done = True
            have_read.wait()
        return real(room_id)
    monkeypatch.setattr(services, "lock_room", read_then_lock)
    answers, errors = [None, None], []

    def send(index):
        with app.app_context():
            try:
                answers[index] = clients[index].post("/rooms/new", data=form(room, title=f"会 {index}"))
            except Exception as exc:  # noqa: BLE001  reported below
                errors.append(exc)
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    assert not errors, errors
    db.session.expire_all()
    assert sorted(a.status_code for a in answers) == [303, 409]
    lost = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    winner = db.session.scalar(select(Booking))
    assert _count(Booking) == 1 and winner.organiser.name in lost and "303" in lost


def test_a_double_tap_books_once(client, login_as, make_room):
    room = make_room()
    login_as()
    page = client.get(f"/rooms/new?room={room.id}").get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    first = client.post("/rooms/new", data=form(room, token=token))
    second = client.post("/rooms/new", data=form(room, token=token))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] and _count(Booking) == 1


def test_field_errors_keep_the_text(client, login_as, make_room):
    room = make_room(projector=False)
    login_as()
    response = client.post("/rooms/new", data=form(room, start="11:00", end="10:00", title="评审 😀",
                                                   needs="projector", skip="soon"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The end must be after the start." in body or "Write dates as" in body
    assert 'value="评审 😀"' in body
    response = client.post("/rooms/new", data=form(room, needs="projector", title="评审"))
    assert response.status_code == 422 and "This room has no Projector" in response.get_data(as_text=True)
    response = client.post("/rooms/new", data=form(room, days=-2, title="评审"))
    assert response.status_code == 422 and "The start is in the past" in response.get_data(as_text=True)
    assert _count(Booking) == 0


def test_every_error_of_the_booking_form_shows_at_once(client, login_as, make_room):
    """One send with four faults (title missing, end before start, a need the room lacks, a bad date list)
    names all four, keeping what was typed."""
    room = make_room(projector=False)
    login_as()
    response = client.post("/rooms/new", data=form(room, start="11:00", end="10:00", title="",
                                                   needs="projector", skip="soon", agenda="议程 😀"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("This field is required.", "The end must be after the start.", "This room has no Projector",
                    "Write dates as 2026-12-24"):
        assert message in body, message
    assert "议程 😀" in body and _count(Booking) == 0


def test_a_weekly_series_skips_the_dates_left_out_and_refuses_a_clash_on_any_date(make_room, make_user, book):
    from app.timeutil import to_local
    room, user = make_room(), make_user()
    skipped = to_local(at(10, 10)).date()
    until = to_local(at(24, 10)).date()
    book(user, room, repeat_weeks=1, until=until, skip=(skipped,))
    days = [to_local(b.starts_at).date() for b in db.session.scalars(select(Booking).order_by(Booking.starts_at))]
    assert len(days) == 3 and skipped not in days  # days 3, 17, 24 (10 skipped)
    assert len({b.series_id for b in db.session.scalars(select(Booking))}) == 1
    try:
        book(user, room, days=17, hour=10, title="冲突")
    except services.SlotTaken:
        pass
    else:
        raise AssertionError("the series' third date was booked twice")
    book(user, room, days=10, hour=10, title="跳过的那天")  # the skipped date is free


def test_every_two_weeks(make_room, make_user, book):
    from app.timeutil import to_local
    room, user = make_room(), make_user()
    book(user, room, repeat_weeks=2, until=to_local(at(31, 10)).date())
    assert _count(Booking) == 3  # days 3, 17, 31


def test_a_room_needing_approval_waits_for_the_office(client, login_as, make_room, make_user, book):
    room = make_room("展厅", needs_approval=True)
    office = make_user(Role.OFFICE)
    guest = make_user()
    booking = book(make_user(), room, needs=("projector",), attendee_ids=(guest.id,))
    assert booking.status == "pending" and booking.check is None
    assert _count(Notification, Notification.user_id == office.id, Notification.message.like("%approve%")) == 1
    assert _count(Notification, Notification.user_id == guest.id) == 0
    # The slot is held while the office decides.
    try:
        book(make_user(), room)
    except services.SlotTaken:
        pass
    else:
        raise AssertionError("a pending booking's slot was given away")
    login_as(Role.OFFICE)
    assert "展厅" in client.get("/rooms/approvals").get_data(as_text=True)
    assert client.post(f"/rooms/{booking.id}/decide", data={"approve": "1"}).status_code == 303
    db.session.expire_all()
    assert booking.status == "confirmed" and _count(Notification, Notification.user_id == guest.id) == 1
    assert client.post(f"/rooms/{booking.id}/decide", data={"approve": "0"}).status_code == 422


def test_moving_sends_the_same_uid_with_a_higher_sequence_and_rearms_the_reminder(client, login_as, make_room,
                                                                                 make_user, book):
    room, other = make_room(), make_room("303")
    guest = make_user()
    organiser = login_as()
    booking = book(organiser, room, attendee_ids=(guest.id,), needs=("projector",))
    booking.reminded_at = at(0, 0)
    db.session.commit()
    response = client.post(f"/rooms/{booking.id}/move", data={
        "room_id": str(other.id), "day": form(room, days=4)["day"], "starts": "14:00", "ends": "15:00"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (booking.room_id, booking.sequence, booking.reminded_at) == (other.id, 1, None)
    assert booking.check.due_at == at(4, 13)
    moved = db.session.scalar(select(Notification).where(Notification.user_id == guest.id,
                                                         Notification.message.like("%has moved%")))
    assert moved is not None and "303" in moved.message


def test_moving_onto_a_held_slot_is_refused(client, login_as, make_room, make_user, book):
    room = make_room()
    book(make_user(name="Holder"), room, hour=14)
    organiser = login_as()
    booking = book(organiser, room, hour=10)
    response = client.post(f"/rooms/{booking.id}/move", data={
        "room_id": str(room.id), "day": form(room)["day"], "starts": "14:30", "ends": "15:00"})
    assert response.status_code == 409 and "Holder" in response.get_data(as_text=True)


def test_cancelling_tells_the_attendees_with_a_cancel_calendar_entry(app, client, login_as, make_room, make_user,
                                                                     book):
    from app.rooms import notices
    guest = make_user()
    organiser = login_as()
    booking = book(organiser, make_room(), attendee_ids=(guest.id,), needs=("projector",))
    assert "METHOD:CANCEL" in notices.calendar_file(booking, cancelled=True)
    assert client.post(f"/rooms/{booking.id}/cancel").status_code == 303
    db.session.expire_all()
    assert booking.status == "cancelled" and booking.check is None and booking.sequence == 1
    assert _count(Notification, Notification.user_id == guest.id, Notification.message.like("%cancelled%")) == 1
    # An attendee may see it but not cancel it.
    sign_in(client, guest)
    other = book(organiser, make_room("303"), attendee_ids=(guest.id,))
    assert client.post(f"/rooms/{other.id}/cancel").status_code == 422


def test_cancelling_a_series_from_one_date_on(client, login_as, make_room, book):
    from app.timeutil import to_local
    organiser = login_as()
    book(organiser, make_room(), repeat_weeks=1, until=to_local(at(24, 10)).date())
    second = db.session.scalars(select(Booking).order_by(Booking.starts_at)).all()[1]
    assert client.post(f"/rooms/{second.id}/cancel", data={"series": "1"}).status_code == 303
    db.session.expire_all()
    assert [b.status for b in db.session.scalars(select(Booking).order_by(Booking.starts_at))] == \
        ["confirmed", "cancelled", "cancelled", "cancelled"]


def test_attendees_answer_and_the_organiser_reminds_the_rest_in_one_tap(client, login_as, make_room, make_user,
                                                                        book):
    coming, away, quiet, deputy = (make_user(name=n) for n in ("Coming", "Away", "Quiet", "Deputy"))
    organiser = make_user(name="Organiser")
    booking = book(organiser, make_room(), attendee_ids=(coming.id, away.id, quiet.id))
    sign_in(client, coming)
    assert client.post(f"/rooms/{booking.id}/answer", data={"answer": "attend"}).status_code == 303
    sign_in(client, away)
    refused = client.post(f"/rooms/{booking.id}/answer", data={"answer": "substitute"})
    assert refused.status_code == 422 and "Choose the colleague" in refused.get_data(as_text=True)
    assert client.post(f"/rooms/{booking.id}/answer",
                       data={"answer": "substitute", "substitute_id": str(deputy.id)}).status_code == 303
    assert _count(Notification, Notification.user_id == deputy.id, Notification.message.like("%in their place%")) == 1
    sign_in(client, organiser)
    page = client.get(f"/rooms/{booking.id}").get_data(as_text=True)
    assert "Will attend" in page and "Sends a substitute: Deputy" in page
    assert "Remind the 1 who have not answered" in page
    before = _count(Notification, Notification.user_id == quiet.id)
    assert client.post(f"/rooms/{booking.id}/remind").status_code == 303
    assert _count(Notification, Notification.user_id == quiet.id) == before + 1
    assert _count(Notification, Notification.user_id == coming.id, Notification.message.like("Please answer%")) == 0
    rows = {a.user_id: a.answer for a in db.session.scalars(select(Attendee))}
    assert rows == {coming.id: "attend", away.id: "substitute", quiet.id: "waiting"}


def test_someone_not_invited_cannot_see_or_answer(client, login_as, make_room, make_user, book):
    booking = book(make_user(), make_room())
    login_as()
    assert client.get(f"/rooms/{booking.id}").status_code == 404
    assert client.post(f"/rooms/{booking.id}/answer", data={"answer": "attend"}).status_code == 404


def test_the_reminder_goes_out_once_even_when_two_runs_overlap(app, make_room, make_user, book, monkeypatch):
    from app.rooms import notices
    guest = make_user()
    booking = book(make_user(), make_room(), attendee_ids=(guest.id,))
    monkeypatch.setattr(notices, "utcnow", lambda: booking.starts_at - __import__("datetime").timedelta(minutes=20))
    assert notices.remind_upcoming() == "1 booking reminder(s)"
    assert notices.remind_upcoming() == "0 booking reminder(s)"
    assert _count(Notification, Notification.user_id == guest.id, Notification.message.like("Reminder%")) == 1


def test_the_rooms_page_shows_bookings_and_free_slots_per_room(client, login_as, make_room, make_user, book):
    room, empty = make_room(), make_room("303")
    book(make_user(name="Holder"), room, hour=10)
    login_as()
    day = form(room)["day"]
    page = client.get(f"/rooms/?day={day}").get_data(as_text=True)
    assert "产品评审 Product review" in page and "Holder" in page
    assert "Free 08:00–10:00: book" in page and "Free 11:00–20:00: book" in page
    assert f"room={empty.id}" in page
    week = client.get(f"/rooms/?day={day}&view=week").get_data(as_text=True)
    assert week.count("Free 08:00–20:00: book") >= 7
    assert client.get("/rooms/?day=nonsense").status_code == 200


def test_the_rooms_page_reads_a_constant_number_of_queries(client, login_as, make_room, make_user, book,
                                                           count_queries):
    login_as()
    room = make_room()
    book(make_user(), room, hour=9)
    day = form(room)["day"]
    with count_queries() as few:
        client.get(f"/rooms/?day={day}&view=week")
    for n in range(6):
        other = make_room(f"R{n}")
        book(make_user(), other, hour=10 + n % 3)
    with count_queries() as many:
        client.get(f"/rooms/?day={day}&view=week")
    assert many.count == few.count


def test_an_invitation_is_listed_until_the_booking_ends_wherever_it_is_moved(client, make_room, make_user):
    """My bookings read each invitation's end from the invitation itself: a change of time must carry it along,
    or a booking moved from the past into the coming days would be missing from the invitees' lists."""
    organiser, guest = make_user(), make_user()
    booking = Booking(room=make_room(), organiser=organiser, title="预算讨论 Budget talk 💰",
                      starts_at=at(-2, 9), ends_at=at(-2, 10), attendees=[Attendee(user=guest)])
    db.session.add(booking)  # held two days ago
    db.session.commit()
    sign_in(client, guest)
    assert "预算讨论" not in client.get("/rooms/mine").get_data(as_text=True)
    # Moved as a visit's or a meeting's room hold moves with its times, the attendees themselves untouched.
    booking.starts_at, booking.ends_at = at(9, 14), at(9, 15)
    db.session.commit()
    listed = " ".join(client.get("/rooms/mine").get_data(as_text=True).split())
    assert "预算讨论 Budget talk 💰" in listed and "2:00 PM" in listed
