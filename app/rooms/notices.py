"""Attendees hear of a booking when it is made, moved or cancelled, each time with a calendar file
(the one builder in app/notifications/ics.py, shared with the liaison meeting): the same UID throughout,
a higher SEQUENCE after a move, METHOD:CANCEL when cancelled. A reminder goes out before the start."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.links import path_for
from app.notifications import Kind, ics, notify
from app.notifications.outbox import absolute
from app.timeutil import to_local, utcnow

from .models import Booking
from .workflow import Answer, BookingStatus


def when(booking: Booking) -> str:
    return f"{to_local(booking.starts_at):%Y-%m-%d %H:%M}–{to_local(booking.ends_at):%H:%M}"


def calendar_file(booking: Booking, cancelled: bool = False) -> str:
    link = path_for("rooms.booking", booking_id=booking.id)
    return ics.event(uid=f"booking-{booking.id}@officehub", starts=booking.starts_at, ends=booking.ends_at,
                     summary=booking.title, location=booking.room.name, url=absolute(link),
                     sequence=booking.sequence, now=utcnow(), cancelled=cancelled)


def _link(booking: Booking) -> str:
    return path_for("rooms.booking", booking_id=booking.id)


def _people(booking: Booking) -> list:
    """Everyone invited who has not declined; a substitute instead of the person they replace."""
    people = []
    for row in booking.attendees:
        if row.answer == Answer.SUBSTITUTE and row.substitute is not None:
            people.append(row.substitute)
        elif row.answer != Answer.DECLINE:
            people.append(row.user)
    return people


def invite(booking: Booking, series_count: int = 1) -> None:
    """The notice to every attendee, in the caller's transaction."""
    if series_count > 1:
        message = _l("%(name)s invites you to “%(title)s” in %(room)s, %(when)s, and %(num)d more times: "
                     "please answer.", name=booking.organiser.name, title=booking.title, room=booking.room.name,
                     when=when(booking), num=series_count - 1)
    else:
        message = _l("%(name)s invites you to “%(title)s” in %(room)s, %(when)s: please answer.",
                     name=booking.organiser.name, title=booking.title, room=booking.room.name, when=when(booking))
    notify([row.user for row in booking.attendees], message, link=_link(booking), kind=Kind.MEETING_NOTICE,
           attachment=calendar_file(booking), commit=False)


def moved(booking: Booking) -> None:
    notify(_people(booking), _l("“%(title)s” has moved to %(room)s, %(when)s.", title=booking.title,
                                room=booking.room.name, when=when(booking)),
           link=_link(booking), kind=Kind.MEETING_NOTICE, attachment=calendar_file(booking), commit=False)


def cancelled(booking: Booking) -> None:
    notify(_people(booking), _l("“%(title)s” in %(room)s, %(when)s, is cancelled.", title=booking.title,
                                room=booking.room.name, when=when(booking)),
           link=_link(booking), kind=Kind.MEETING_NOTICE, attachment=calendar_file(booking, cancelled=True),
           commit=False)


def to_substitute(booking: Booking, person, substitute) -> None:
    notify([substitute], _l("%(name)s asks you to attend “%(title)s” in %(room)s, %(when)s, in their place.",
                            name=person.name, title=booking.title, room=booking.room.name, when=when(booking)),
           link=_link(booking), kind=Kind.MEETING_NOTICE, attachment=calendar_file(booking), commit=False)


def remind_upcoming() -> str:
    """Remind the organiser and attendees of a confirmed booking starting within ROOMS_REMINDER_MINUTES,
    once: each booking is claimed with a conditional UPDATE, so two runs at once send one reminder."""
    now = utcnow()
    soon = now + timedelta(minutes=int(current_app.config["ROOMS_REMINDER_MINUTES"]))
    due = (Booking.starts_at > now, Booking.starts_at <= soon, Booking.reminded_at.is_(None),
           Booking.status == BookingStatus.CONFIRMED.value, Booking.meeting_id.is_(None))
    sent = 0
    for booking in list(db.session.scalars(select(Booking).where(*due).order_by(Booking.starts_at).limit(500))):
        claimed = db.session.execute(update(Booking).where(Booking.id == booking.id, *due).values(reminded_at=now)
                                     .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        notify([booking.organiser, *_people(booking)],
               _l("Reminder: “%(title)s” starts at %(when)s in %(room)s.", title=booking.title,
                  when=f"{to_local(booking.starts_at):%H:%M}", room=booking.room.name),
               link=_link(booking), kind=Kind.MEETING_REMINDER, commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} booking reminder(s)"
