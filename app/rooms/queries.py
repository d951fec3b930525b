"""Read-only: the rooms' day and week view with free slots, my bookings, bookings waiting for approval."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, union

from app.extensions import db
from app.timeutil import day_bounds, to_local

from .models import Attendee, Booking, Room
from .workflow import HOLDING, BookingStatus

PAGE_SIZE = 20
SPAN = timedelta(days=2)  # the longest a booking shown on the rooms page can have started before its day
DAY_OPENS, DAY_CLOSES = time(8, 0), time(20, 0)  # the part of the day the rooms page offers free slots in


@dataclass(frozen=True)
class Free:
    starts: datetime  # local
    ends: datetime


@dataclass
class RoomDay:
    room: Room
    day: date
    bookings: list
    free: list


def bookings_between(start: datetime, end: datetime, room_ids=None) -> list[Booking]:
    """Every booking holding a room (of `room_ids`, when given) in [start, end), with its room and organiser
    (one query). Bookings last at most 12 hours (a visit's a day or two), so the index is read from two days
    before the start only."""
    query = select(Booking).where(Booking.starts_at < end, Booking.starts_at >= start - SPAN, Booking.ends_at > start,
                                  Booking.status.in_(HOLDING))
    if room_ids is not None:
        query = query.where(Booking.room_id.in_(list(room_ids)))
    return list(db.session.scalars(query.order_by(Booking.starts_at, Booking.id)))


def free_slots(day: date, bookings: list[Booking]) -> list[Free]:
    """The gaps of at least 30 minutes between the bookings, within the offered part of the day."""
    cursor = datetime.combine(day, DAY_OPENS)
    closes = datetime.combine(day, DAY_CLOSES)
    gaps = []
    for booking in bookings:
        starts, ends = to_local(booking.starts_at).replace(tzinfo=None), to_local(booking.ends_at).replace(tzinfo=None)
        if starts - cursor >= timedelta(minutes=30):
            gaps.append(Free(cursor, min(starts, closes)))
        cursor = max(cursor, ends)
    if closes - cursor >= timedelta(minutes=30):
        gaps.append(Free(cursor, closes))
    return [gap for gap in gaps if gap.starts < closes]


def grid(first_day: date, days: int, rooms: list[Room]) -> list[list[RoomDay]]:
    """Per room, its days: the bookings and the free slots (two queries whatever the size); only the rooms
    given (a page of them) are read."""
    start, end = day_bounds(first_day, first_day + timedelta(days=days - 1))
    by_room_day: dict = {}
    for booking in bookings_between(start, end, [room.id for room in rooms]):
        by_room_day.setdefault((booking.room_id, to_local(booking.starts_at).date()), []).append(booking)
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
    mine_ids = union(select(Booking.id).where(Booking.organiser_id == user.id),
                     select(Attendee.booking_id).where(Attendee.user_id == user.id))
    query = (select(Booking).where(Booking.id.in_(mine_ids),
                                   Booking.ends_at >= now, Booking.status != BookingStatus.CANCELLED.value)
             .order_by(Booking.starts_at, Booking.id))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def awaiting_approval(page: int = 1):
    query = (select(Booking).where(Booking.status == BookingStatus.PENDING.value)
             .order_by(Booking.starts_at, Booking.id))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)

