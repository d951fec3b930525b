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
