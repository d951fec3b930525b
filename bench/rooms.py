"""Room booking volume: 40 rooms, each booked on every working day (200 room-days a week) for the last eleven
months and the four weeks ahead, three meetings a room-day with four attendees each, and an equipment check for
a third of them."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, insert, select, text

from app.auth.models import User
from app.rooms.models import Attendee, Booking, EquipmentCheck, Room
from app.timeutil import to_utc, today

from .pages import GenContext, Page

ROOMS = 40
SLOTS = ((9, 10), (10, 12), (14, 16))
TITLES = ["项目周会", "产品评审", "客户沟通", "预算讨论", "weekly sync", "design review"]

PAGES = [
    Page("rooms: day view (40 rooms)", "employee", "/rooms/"),
    Page("rooms: week view (40 rooms)", "employee", "/rooms/?view=week"),
    Page("rooms: my bookings", "employee", "/rooms/mine"),
    Page("home with today's checks (office)", "office", "/", touch="rooms"),
]


def _rooms(ctx: GenContext) -> list[int]:
    rows = [{"name": f"{100 + n} 会议室", "name_en": f"Room {100 + n}", "building": f"{n % 4 + 1} 号楼",
             "floor": f"{n % 6 + 1}F", "capacity": ctx.rng.choice((4, 6, 8, 12, 20, 40)),
             "projector": n % 3 != 0, "video": n % 4 == 0, "whiteboard": True, "needs_approval": n % 10 == 0,
             "active": True} for n in range(ROOMS)]
    ctx.session.execute(insert(Room), rows)
    return list(ctx.session.scalars(select(Room.id).order_by(Room.id)))


AHEAD = 28  # rooms are booked up to four weeks ahead, whatever the years of history behind


def _days(ctx: GenContext):
    """Every working day (Monday to Friday) from eleven months back to four weeks ahead. At a smaller scale
    the history is shorter (but holds this whole week, which the week view shows) and what lies ahead is the
    same: the future does not grow with the years of use."""
    back = max(7, ctx.count(335))
    first = today() - timedelta(days=back)
    days = (first + timedelta(days=n) for n in range(back + AHEAD + 1))
    return [day for day in days if day.weekday() < 5]


def generate(ctx: GenContext) -> None:
    rooms = _rooms(ctx)
    people = list(ctx.session.scalars(select(User.id).limit(1500)))
    employee = ctx.users["employee"].id
    first_id = (ctx.session.scalar(select(func.max(Booking.id))) or 0) + 1  # after the demo's own bookings
    bookings = []
    for day in _days(ctx):
        for room_id in rooms:
            for start, end in SLOTS:
                starts = to_utc(datetime.combine(day, time(start)))
                bookings.append({"room_id": room_id, "starts_at": starts, "ends_at": to_utc(datetime.combine(
                    day, time(end))), "title": ctx.rng.choice(TITLES), "organiser_id": ctx.rng.choice(people),
                    "agenda": "", "need_projector": ctx.rng.random() < 0.33, "need_video": False,
                    "need_tea": True, "need_name_cards": False, "status": "confirmed", "sequence": 0})
    for start in range(0, len(bookings), 5000):
        ctx.session.execute(insert(Booking), bookings[start:start + 5000])
    _attendees_and_checks(ctx, people, employee, first_id)


def _attendees_and_checks(ctx: GenContext, people: list[int], employee: int, first_id: int) -> None:
    rows = ctx.session.execute(select(Booking.id, Booking.starts_at, Booking.ends_at, Booking.need_projector)
                               .where(Booking.id >= first_id)).all()
    attendees, checks = [], []
    for booking_id, starts, ends, projector in rows:
        invited = set(ctx.rng.sample(people, 4)) | ({employee} if booking_id % 50 == 1 else set())
        attendees.extend({"booking_id": booking_id, "user_id": user_id, "answer": "waiting", "ends_at": ends}
                         for user_id in invited)
        if projector:
            checks.append({"booking_id": booking_id, "due_at": starts - timedelta(hours=1), "status": "open",
                           "note": ""})
    for start in range(0, len(attendees), 10000):
        ctx.session.execute(insert(Attendee), attendees[start:start + 10000])
    for start in range(0, len(checks), 10000):
        ctx.session.execute(insert(EquipmentCheck), checks[start:start + 10000])
    if ctx.session.get_bind().dialect.name == "postgresql":
        for table in ("bookings", "booking_attendees", "equipment_checks"):
            ctx.session.execute(text(f"ANALYZE {table}"))
