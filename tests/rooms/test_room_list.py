"""The one room list, kept by the office and administrators: visits, bookings and meetings all use it."""
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.rooms.models import Room
from tests.rooms.conftest import form

ROOM = {"name": "301 大会议室", "name_en": "301 Board room", "building": "行政楼", "floor": "3F", "capacity": "20",
        "projector": "y", "video": "y"}


def test_a_room_is_added_once_with_its_place_seats_and_equipment(client, login_as):
    login_as(Role.OFFICE)
    assert client.post("/rooms/manage", data=ROOM).status_code == 303
    room = db.session.scalar(select(Room))
    assert (room.building, room.floor, room.capacity, room.projector, room.video, room.whiteboard) == \
        ("行政楼", "3F", 20, True, True, False)
    again = client.post("/rooms/manage", data=dict(ROOM, name=" 301 大会议室 "))
    assert again.status_code == 422 and "exists already" in again.get_data(as_text=True)
    bad = client.post("/rooms/manage", data=dict(ROOM, name="新房间 🌿", capacity="many"))
    assert bad.status_code == 422 and 'value="新房间 🌿"' in bad.get_data(as_text=True)


def test_a_room_is_renamed_and_its_visits_follow_and_it_can_leave_the_list(client, login_as, make_room, make_user):
    from app.visits import checklist
    from app.visits import services as visits
    from tests.rooms.conftest import at
    checklist.seed_templates()
    office = login_as(Role.OFFICE)
    room = make_room("301 会议室")
    visit = visits.create_visit(office, visits.VisitData(
        organisation="华为", visitor_names="张伟", visitor_count=1, purpose="介绍", visit_type="supplier",
        host_id=make_user().id, expected_arrival=at(3, 10), expected_departure=at(3, 12), owner_id=office.id,
        room_id=room.id))
    response = client.post(f"/rooms/manage/{room.id}", data=dict(ROOM, name="301 大会议室 🎤", needs_approval="y"))
    assert response.status_code == 303
    assert "301 大会议室 🎤" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert db.session.get(Room, room.id).needs_approval
    client.post(f"/rooms/manage/{room.id}/active", data={"active": "0"})
    assert "301 大会议室 🎤" in client.get("/rooms/manage").get_data(as_text=True)
    assert "301 大会议室 🎤" not in client.get("/visits/new").get_data(as_text=True)
    assert "301 大会议室 🎤" not in client.get("/rooms/new").get_data(as_text=True)


def test_employees_cannot_keep_the_list(client, login_as):
    login_as()
    assert client.get("/rooms/manage").status_code == 403
    assert client.post("/rooms/manage", data=ROOM).status_code == 403


def test_the_week_view_draws_one_page_of_rooms_whatever_the_number_of_rooms(client, login_as, make_room, make_user,
                                                                            book, count_queries):
    """At 40 rooms booked every day the week view was 267 KB: it now draws ten rooms a page, in a number of
    queries and a size that stay the same as rooms are added."""
    login_as()
    organiser = make_user()
    rooms = [make_room(f"R{n:02d}") for n in range(12)]
    for room in rooms:
        book(organiser, room, hour=10)
    day = form(rooms[0])["day"]
    with count_queries() as few:
        small = client.get(f"/rooms/?day={day}&view=week").get_data(as_text=True)
    for n in range(12, 40):
        book(organiser, make_room(f"R{n:02d}"), hour=10)
    with count_queries() as many:
        large = client.get(f"/rooms/?day={day}&view=week").get_data(as_text=True)
    assert many.count == few.count
    assert small.count('class="room-card"') == large.count('class="room-card"') == 10
    assert abs(len(large) - len(small)) < 200  # only the pager's "of N pages" differs
    assert "Page 1 of 4" in large and "R00" in large and "R10" not in large
    last = client.get(f"/rooms/?day={day}&view=week&page=4").get_data(as_text=True)
    assert last.count('class="room-card"') == 10 and "R39" in last and "R29" not in last
