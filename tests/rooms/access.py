"""Access matrix rows for rooms and bookings: the rooms page, booking and "my bookings" for everyone; a booking
for its organiser, attendees, the office and technical staff; approving for the office; the equipment checks
for the technical department (none in the matrix), the office and the organiser; the room list for office and
administrators."""
from datetime import datetime, time, timedelta

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.rooms.models import Booking, EquipmentCheck, Room
from app.timeutil import to_utc, today
from tests.access import Route, allow, everyone

OFFICE, ADMIN = Role.OFFICE, Role.ADMIN
MANAGERS = (OFFICE, ADMIN)
R = "/rooms"

ROUTES = [
    Route("GET", f"{R}/", everyone()),
    Route("GET", f"{R}/new", everyone()),
    Route("POST", f"{R}/new", everyone(422)),
    Route("GET", f"{R}/mine", everyone()),
    Route("GET", f"{R}/approvals", allow(OFFICE)),
    # Someone else's booking: only its organiser, attendees, the office and technical staff see it.
    Route("GET", f"{R}/<int:booking_id>", allow(OFFICE), default=404),
    # The office sees it but is not invited: told so (422).
    Route("POST", f"{R}/<int:booking_id>/answer", allow(OFFICE, status=422), default=404),
    Route("POST", f"{R}/<int:booking_id>/remind", allow(OFFICE, status=303), default=404),
    Route("POST", f"{R}/<int:booking_id>/move", allow(OFFICE, status=422), default=404),
    Route("POST", f"{R}/<int:booking_id>/cancel", allow(OFFICE, status=303), default=404),
    # Only the office decides, and only on a booking waiting for it: this one is confirmed (422).
    Route("POST", f"{R}/<int:booking_id>/decide", allow(OFFICE, status=422), data={"approve": "0"}),
    Route("GET", f"{R}/checks", allow(OFFICE)),
    Route("GET", f"{R}/checks/<int:check_id>", allow(OFFICE), default=404),
    # The office follows checks but only the technical department ticks them: told so (422).
    Route("POST", f"{R}/checks/<int:check_id>", allow(OFFICE, status=422), default=404, data={"result": "ok"}),
    Route("GET", f"{R}/manage", allow(*MANAGERS)),
    Route("POST", f"{R}/manage", allow(*MANAGERS, status=422)),
    Route("GET", f"{R}/manage/<int:room_id>", allow(*MANAGERS)),
    Route("POST", f"{R}/manage/<int:room_id>", allow(*MANAGERS, status=422)),
    Route("POST", f"{R}/manage/<int:room_id>/active", allow(*MANAGERS, status=303), data={"active": "1"}),
]


def setup() -> dict:
    organiser = User(login="booking-owner", name="Booking Owner", password_hash="x")
    tech = Department(code="TECH", name_zh="技术部", name_en="Technical")
    room = Room(name="Matrix room", capacity=8, projector=True)
    starts = to_utc(datetime.combine(today() + timedelta(days=3), time(10)))
    booking = Booking(room=room, organiser=organiser, starts_at=starts, ends_at=starts + timedelta(hours=1),
                      title="Matrix meeting", need_projector=True)
    check = EquipmentCheck(booking=booking, due_at=starts - timedelta(hours=1))
    db.session.add_all([organiser, tech, room, booking, check])
    db.session.commit()
    return {"booking_id": booking.id, "check_id": check.id, "room_id": room.id}
