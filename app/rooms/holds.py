"""Bookings that belong to something else: a visit holds its listed room from the expected arrival to the
expected departure, through the same clash check as every other booking (services.check_slot)."""
from sqlalchemy import select

from app.extensions import db

from . import checks
from .models import Booking
from .services import check_slot, lock_room
from .workflow import HOLDING, BookingStatus

VISIT_HOLDS = ("requested", "planned", "in_progress")


def booking_of_visit(visit_id: int) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.visit_id == visit_id).order_by(Booking.id.desc()).limit(1))


def hold_for_visit(visit, organiser, equipment: bool) -> Booking | None:
    """Make the visit's booking match it (in the caller's transaction): the room locked, the slot checked
    (SlotTaken when someone else holds it), the equipment check arranged when the checklist has a technical
    step. A visit without a listed room, or no longer active, lets its room go."""
    booking = booking_of_visit(visit.id)
    if not visit.room_id or visit.status not in VISIT_HOLDS:
        release(booking)
        return None
    room = lock_room(visit.room_id)
    check_slot(room, visit.expected_arrival, visit.expected_departure,
               exclude_ids=(booking.id,) if booking is not None and booking.id else ())
    if booking is None or booking.status not in HOLDING:
        booking = Booking(visit_id=visit.id, agenda="", status=BookingStatus.CONFIRMED.value)
        db.session.add(booking)
    elif (booking.room_id, booking.starts_at, booking.ends_at) != (room.id, visit.expected_arrival,
                                                                   visit.expected_departure):
        booking.sequence += 1
    booking.room, booking.organiser = room, organiser
    booking.starts_at, booking.ends_at = visit.expected_arrival, visit.expected_departure
    booking.title = visit.organisation[:200]
    booking.need_projector = equipment
    db.session.flush()
    if visit.status != "requested":
        checks.rearrange(booking)
    return booking


def release(booking: Booking | None) -> None:
    if booking is not None and booking.status in HOLDING:
        booking.status = BookingStatus.CANCELLED.value
        checks.drop(booking)


def booking_of_meeting(meeting_id: int) -> Booking | None:
    """The booking holding a room for the meeting, if it holds one now."""
    return db.session.scalar(select(Booking).where(Booking.meeting_id == meeting_id, Booking.status.in_(HOLDING))
                             .order_by(Booking.id.desc()).limit(1))


def hold_for_meeting(meeting, organiser, room_id: int | None, length) -> Booking | None:
    """Make the meeting's booking match it (in the caller's transaction): the room locked and the slot from
    the start for `length` checked (SlotTaken naming who holds it, with free rooms); no room ("elsewhere")
    lets a room it held go."""
    booking = booking_of_meeting(meeting.id) if meeting.id else None
    if not room_id:
        release(booking)
        return None
    room = lock_room(room_id)
    starts_at, ends_at = meeting.starts_at, meeting.starts_at + length
    check_slot(room, starts_at, ends_at, exclude_ids=(booking.id,) if booking is not None else ())
    if booking is None:
        booking = Booking(meeting_id=meeting.id, agenda="", status=BookingStatus.CONFIRMED.value,
                          organiser_id=organiser.id if organiser is not None else meeting.created_by_id)
        db.session.add(booking)
    elif (booking.room_id, booking.starts_at) != (room.id, starts_at):
        booking.sequence += 1
    booking.room, booking.starts_at, booking.ends_at = room, starts_at, ends_at
    booking.title = meeting.series.both_names[:200]
    db.session.flush()
    return booking
