"""The states of a booking, an attendee's answer and an equipment check, as data.

A booking is confirmed at once, or waits for the office when its room needs approval
(pending → confirmed / refused); the organiser or the office may cancel it while it is not over.
"""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum


class BookingStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("Booked")
    PENDING = "pending", _l("Awaiting the office's approval")
    REFUSED = "refused", _l("Refused by the office")
    CANCELLED = "cancelled", _l("Cancelled")


# Bookings that hold their room: a pending one too, so nobody else takes the slot while the office decides.
HOLDING = (BookingStatus.CONFIRMED.value, BookingStatus.PENDING.value)


class Answer(LabelledEnum):
    """An attendee's RSVP (参会回执)."""
    WAITING = "waiting", _l("No answer yet")
    ATTEND = "attend", _l("Will attend")
    DECLINE = "decline", _l("Cannot attend")
    SUBSTITUTE = "substitute", _l("Sends a substitute")


class CheckStatus(LabelledEnum):
    OPEN = "open", _l("To check")
    OK = "ok", _l("Checked, OK")
    PROBLEM = "problem", _l("Problem found")


class Need(LabelledEnum):
    """What a booking needs; the first two are equipment the technical department checks."""
    PROJECTOR = "projector", _l("Projector")
    VIDEO = "video", _l("Video call")
    TEA = "tea", _l("Tea and water")
    NAME_CARDS = "name_cards", _l("Name cards")


ORGANISER, OFFICE = "organiser", "office"


def actors_of(user, booking) -> set:
    actors = set()
    if booking.organiser_id == user.id:
        actors.add(ORGANISER)
    if user.has_any_role(Role.OFFICE):
        actors.add(OFFICE)
    return actors


# action → (statuses it starts from, who may take it)
TRANSITIONS = {
    "cancel": ((BookingStatus.CONFIRMED, BookingStatus.PENDING), (ORGANISER, OFFICE)),
    "move": ((BookingStatus.CONFIRMED, BookingStatus.PENDING), (ORGANISER, OFFICE)),
    "approve": ((BookingStatus.PENDING,), (OFFICE,)),
    "refuse": ((BookingStatus.PENDING,), (OFFICE,)),
    "remind": ((BookingStatus.CONFIRMED, BookingStatus.PENDING), (ORGANISER, OFFICE)),
}


def may(user, booking, action: str) -> bool:
    starts, actors = TRANSITIONS[action]
    return booking.status in starts and bool(actors_of(user, booking) & set(actors))
