"""Read-only: the rooms' day and week view with free slots, my bookings, bookings waiting for approval."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, union

from app.auth.models import User
from app.extensions import db
from app.timeutil import day_bounds, office_tz

from .models import Attendee, Booking, Room
from .workflow import HOLDING, BookingStatus

PAGE_SIZE = 20
SPAN = timedelta(days=2)  # the longest a booking shown on the rooms page can have started before its day
DAY_OPENS, DAY_CLOSES = time(8, 0), time(20, 0)  # the part of the day the rooms page offers free slots in


@dataclass(frozen=True)
class Free:
    """A free slot's local hours, "08:00" to "09:30", as the page prints them and the booking form reads them."""
    starts: str
    ends: str


@dataclass(frozen=True)
class Held:
    """A booking as the rooms page draws it: its local hours, title and organiser's name, whether it awaits
    approval."""
    starts: datetime  # local, naive
    ends: datetime
    hours: str  # "09:00–10:00", formatted once here rather than twice per row by the template
    title: str
    organiser: str
    pending: bool


@dataclass
class RoomDay:
    room: Room
    day: date
    bookings: list[Held]
    free: list[Free]


def held_between(start: datetime, end: datetime, room_ids) -> list[tuple[int, Held]]:
    """(room id, booking) for every booking holding one of `room_ids` in [start, end), in one query of the
    columns the page draws: a week of ten rooms is ~200 bookings, and whole Booking objects with their room,
    organiser and the organiser's department and roles cost more than the rest of the page. Bookings last at
    most 12 hours (a visit's a day or two), so the index is read from two days before the start only."""
    rows = db.session.execute(
        select(Booking.room_id, Booking.starts_at, Booking.ends_at, Booking.title, Booking.status, User.name)
        .join(User, User.id == Booking.organiser_id)
        .where(Booking.starts_at < end, Booking.starts_at >= start - SPAN, Booking.ends_at > start,
               Booking.status.in_(HOLDING), Booking.room_id.in_(list(room_ids)))
        .order_by(Booking.starts_at, Booking.id))
    pending, zone = BookingStatus.PENDING.value, office_tz()  # the zone looked up once, not per booking
    return [(room_id, _held(_local(starts, zone), _local(ends, zone), title, organiser, status == pending))
            for room_id, starts, ends, title, status, organiser in rows]


def _local(moment: datetime, zone) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _held(starts: datetime, ends: datetime, title: str, organiser: str, pending: bool) -> Held:
    return Held(starts, ends, f"{_clock(starts)}–{_clock(ends)}", title, organiser, pending)


def free_slots(day: date, bookings: list[Held]) -> list[Free]:
    """The gaps of at least 30 minutes between the bookings, within the offered part of the day."""
    cursor = datetime.combine(day, DAY_OPENS)
    closes = datetime.combine(day, DAY_CLOSES)
    gaps = []
    for booking in bookings:
        if booking.starts - cursor >= timedelta(minutes=30):
            gaps.append((cursor, min(booking.starts, closes)))
        cursor = max(cursor, booking.ends)
    if closes - cursor >= timedelta(minutes=30):
        gaps.append((cursor, closes))
    return [Free(_clock(starts), _clock(ends)) for starts, ends in gaps if starts < closes]


def grid(first_day: date, days: int, rooms: list[Room]) -> list[list[RoomDay]]:
    """Per room, its days: the bookings and the free slots (two queries whatever the size); only the rooms
    given (a page of them) are read."""
    start, end = day_bounds(first_day, first_day + timedelta(days=days - 1))
    by_room_day: dict = {}
    for room_id, held in held_between(start, end, [room.id for room in rooms]):
        by_room_day.setdefault((room_id, held.starts.date()), []).append(held)
    rows = []
    for room in rooms:
        row = []
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            held = by_room_day.get((room.id, day), [])
            row.append(RoomDay(room, day, held, free_slots(day, held)))
        rows.append(row)
    return rows


def mine(user, now: datetime, page: int = 1):
    """Bookings I organise or am invited to, from today on, soonest first."""
    # A union of the two indexed lookups: "organiser OR invited" in one WHERE reads the whole table on PostgreSQL.
    # The invitations are read from what is still to come alone: a busy colleague is invited to hundreds of
    # meetings a year, and looking up each of those bookings made the list grow with the years behind them.
    mine_ids = union(select(Booking.id).where(Booking.organiser_id == user.id),
                     select(Attendee.booking_id).where(Attendee.user_id == user.id, Attendee.ends_at >= now))
    query = (select(Booking).where(Booking.id.in_(mine_ids),
                                   Booking.ends_at >= now, Booking.status != BookingStatus.CANCELLED.value)
             .order_by(Booking.starts_at, Booking.id))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def awaiting_approval(page: int = 1):
    query = (select(Booking).where(Booking.status == BookingStatus.PENDING.value)
             .order_by(Booking.starts_at, Booking.id))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)

