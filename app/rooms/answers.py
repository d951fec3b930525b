"""Attendees' answers (参会回执): attend, decline, or send a substitute; the organiser's one-tap reminder."""
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.extensions import db
from app.notifications import Kind, notify
from app.timeutil import utcnow

from . import notices
from .models import Attendee, Booking
from .services import BookingError, detail_link, guard
from .workflow import Answer


def attendee_of(booking: Booking, user) -> Attendee | None:
    return next((a for a in booking.attendees if a.user_id == user.id), None)


def answer(user, booking: Booking, reply: str, substitute: User | None = None) -> Attendee:
    """An attendee answers: attend, decline, or send a substitute (a person, who is told)."""
    row = attendee_of(booking, user)
    if row is None:
        raise BookingError(_l("You are not invited to this meeting."))
    if Answer.of(reply) in (None, Answer.WAITING):
        raise BookingError(_l("Choose an answer."), "answer")
    if reply == Answer.SUBSTITUTE and (substitute is None or not substitute.active or substitute.id == user.id):
        raise BookingError(_l("Choose the colleague who goes instead of you."), "substitute_id")
    row.answer, row.answered_at = reply, utcnow()
    row.substitute_id = substitute.id if reply == Answer.SUBSTITUTE else None
    if reply == Answer.SUBSTITUTE:
        notices.to_substitute(booking, user, substitute)
    db.session.commit()
    return row


def remind_waiting(user, booking: Booking) -> int:
    """The organiser's one tap: remind everyone who has not answered yet."""
    guard(user, booking, "remind")
    waiting = [a.user for a in booking.attendees if a.answer == Answer.WAITING]
    notify(waiting, _l("Please answer: will you attend “%(title)s” on %(when)s?", title=booking.title,
                       when=notices.when(booking)), link=detail_link(booking.id), kind=Kind.MEETING_NOTICE,
           commit=False)
    db.session.commit()
    return len(waiting)
