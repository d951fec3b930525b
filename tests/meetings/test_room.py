"""The meeting books a shared room through the rooms' one clash check: a clash is the room field's error
naming who holds it with free rooms to choose instead; moving the meeting moves its booking."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import Meeting
from app.rooms import services as rooms
from app.rooms.models import Booking, Room
from app.timeutil import to_utc, today


def _room(name, capacity=10):
    room = Room(name=name, capacity=capacity, projector=True)
    db.session.add(room)
    db.session.commit()
    return room


def _form(room, days=3, time="10:00", **extra):
    return {"day": (today() + timedelta(days=days)).isoformat(), "time": time, "room_id": str(room.id if room else 0),
            "place": "", **extra}


def _at(days, hour):
    return to_utc(datetime.combine(today() + timedelta(days=days), datetime.min.time()).replace(hour=hour))


def _meetings() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting))


def test_scheduling_in_a_room_books_it_for_an_hour_and_names_it_as_the_place(client, login_as):
    room = _room("302 小会议室")
    login_as(Role.OFFICE)
    assert client.post("/meetings/new", data=_form(room)).status_code == 303
    meeting = db.session.scalar(select(Meeting))
    booking = db.session.scalar(select(Booking).where(Booking.meeting_id == meeting.id))
    assert booking.room_id == room.id and booking.status == "confirmed"
    assert (booking.starts_at, booking.ends_at) == (_at(3, 10), _at(3, 11))
    assert meeting.place == "302 小会议室"
    # The rooms page shows the meeting holding the room.
    assert "部门联络员会议" in client.get(f"/rooms/?day={(today() + timedelta(days=3)).isoformat()}").get_data(
        as_text=True)


def test_a_room_held_then_is_the_room_fields_error_naming_the_holder_and_free_rooms(client, login_as, make_user):
    room = _room("302 小会议室")
    _room("305 洽谈室", capacity=8)  # free at that time: offered instead
    holder = make_user(name="Organiser Li")
    rooms.book(holder, rooms.BookingData(room_id=room.id, starts_at=_at(3, 10), ends_at=_at(3, 12),
                                         title="产品评审"))
    login_as(Role.OFFICE)
    response = client.post("/meetings/new", data=_form(room, place="typed 😀"))
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Organiser Li" in body and "产品评审" in body and "305 洽谈室" in body
    assert 'value="typed 😀"' in body and _meetings() == 0


def test_elsewhere_keeps_the_typed_place_and_books_nothing(client, login_as):
    login_as(Role.OFFICE)
    assert client.post("/meetings/new", data=_form(None, place="车间 Workshop")).status_code == 303
    assert db.session.scalar(select(Meeting)).place == "车间 Workshop"
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_moving_the_meeting_moves_its_booking_and_a_clash_moves_nothing(client, login_as, make_user):
    room = _room("302 小会议室")
    login_as(Role.OFFICE)
    client.post("/meetings/new", data=_form(room))
    meeting = db.session.scalar(select(Meeting))
    assert client.post(f"/meetings/{meeting.id}/reschedule", data=_form(room, days=4, time="14:00")).status_code == 303
    booking = db.session.scalar(select(Booking).where(Booking.meeting_id == meeting.id))
    assert (booking.starts_at, booking.ends_at) == (_at(4, 14), _at(4, 15)) and booking.sequence == 1

    rooms.book(make_user(name="Organiser Li"), rooms.BookingData(room_id=room.id, starts_at=_at(5, 9),
                                                                  ends_at=_at(5, 11), title="培训"))
    refused = client.post(f"/meetings/{meeting.id}/reschedule", data=_form(room, days=5, time="10:00"))
    assert refused.status_code == 409 and "Organiser Li" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).starts_at == _at(4, 14)
    assert db.session.get(Booking, booking.id).starts_at == _at(4, 14)

    # "Elsewhere" lets the room go.
    assert client.post(f"/meetings/{meeting.id}/reschedule",
                       data=_form(None, days=4, time="14:00", place="车间")).status_code == 303
    assert db.session.get(Booking, booking.id).status == "cancelled"


def test_the_schedule_form_lists_each_room_with_its_place_and_seats_in_the_readers_language(client, login_as):
    room = Room(name="302 小会议室", name_en="302 Small room", building="行政楼", floor="3F", capacity=8)
    db.session.add_all([room, Room(name="仓库角落", capacity=0)])
    db.session.commit()
    login_as(Role.OFFICE, locale="en")
    page = client.get("/meetings/").get_data(as_text=True)
    assert f'<option value="{room.id}">302 Small room · 行政楼 · 3F · 8 seats</option>' in page
    assert ">仓库角落</option>" in page  # no place, no seats: the name alone
    client.post("/logout")
    login_as(Role.OFFICE, locale="zh_CN")
    page = client.get("/meetings/").get_data(as_text=True)
    assert f'<option value="{room.id}">302 小会议室 · 行政楼 · 3F · 8 座</option>' in page
