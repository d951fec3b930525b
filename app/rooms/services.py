"""Booking a room with one clash check for every kind of booking (general meetings, visits, liaison
meetings), race-safe on SQLite and PostgreSQL; moving, cancelling, approving; attendees and their answers.

Race safety: every write that can take a slot first locks the room's row (PostgreSQL `SELECT … FOR
UPDATE`; on SQLite an UPDATE of the row, which takes the database's single write lock). The clash check
and the insert then run in that same transaction, so of two people booking the same slot at once the
second waits, sees the first one's booking and gets a `SlotTaken` (409) naming who holds it."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app import idempotency
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.errors import Conflict, Refused
from app.extensions import db
from app.links import path_for
from app.notifications import notify
from app.timeutil import to_local, utcnow

from . import checks, notices, workflow
from .models import Attendee, Booking, BookingSeries, Room
from .workflow import HOLDING, BookingStatus

PAST_TOLERANCE = timedelta(minutes=15)
LONGEST = timedelta(hours=12)
MOST_OCCURRENCES = 52
ALTERNATIVES = 3


class BookingError(Refused):
    """A rule was broken; `field` names the form field at fault."""


class SlotTaken(Conflict):
    """Someone holds the room at that time: who, and free rooms of similar size to choose instead."""

    def __init__(self, holder: Booking, alternatives: list[Room]):
        when = to_local(holder.starts_at).strftime("%Y-%m-%d %H:%M")
        until = to_local(holder.ends_at).strftime("%H:%M")
        super().__init__(_l("%(room)s is already booked from %(when)s to %(until)s by %(name)s (“%(title)s”).",
                            room=holder.room.name, when=when, until=until, name=holder.organiser.name,
                            title=holder.title), current=holder)
        self.holder = holder
        self.alternatives = alternatives


@dataclass
class BookingData:
    """What a booking form says, already parsed."""
    room_id: int
    starts_at: datetime  # UTC
    ends_at: datetime
    title: str
    agenda: str = ""
    needs: tuple = ()
    attendee_ids: tuple = ()
    department_ids: tuple = ()
    repeat_weeks: int = 0  # 0: once; 1: weekly; 2: every two weeks
    until: date | None = None
    skip: tuple = ()  # local dates left out of a series
    extra: dict = field(default_factory=dict)


def detail_link(booking_id: int) -> str:
    return path_for("rooms.booking", booking_id=booking_id)


# ---- the one clash check ----------------------------------------------------------------------------------

def lock_room(room_id: int) -> Room | None:
    """Lock the room's row for the rest of the transaction: the first write of every booking change."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(select(Room).where(Room.id == room_id).with_for_update())
    db.session.execute(update(Room).where(Room.id == room_id).values(active=Room.active)
                       .execution_options(synchronize_session=False))
    return db.session.get(Room, room_id)


def clash(room_id: int, starts_at: datetime, ends_at: datetime, exclude_ids=()) -> Booking | None:
    """The first booking holding the room somewhere in [starts_at, ends_at)."""
    query = select(Booking).where(Booking.room_id == room_id, Booking.status.in_(HOLDING),
                                  Booking.starts_at < ends_at, Booking.ends_at > starts_at)
    if exclude_ids:
        query = query.where(Booking.id.not_in(list(exclude_ids)))
    return db.session.scalar(query.order_by(Booking.starts_at).limit(1))


def free_rooms(starts_at: datetime, ends_at: datetime, like: Room | None = None, limit: int = ALTERNATIVES):
    """Active rooms free for the whole time, the ones closest in size to `like` first."""
    busy = select(Booking.room_id).where(Booking.status.in_(HOLDING), Booking.starts_at < ends_at,
                                         Booking.ends_at > starts_at)
    query = select(Room).where(Room.active, Room.id.not_in(busy))
    if like is not None:
        query = query.where(Room.id != like.id).order_by(func.abs(Room.capacity - like.capacity), Room.name)
    else:
        query = query.order_by(Room.name)
    return list(db.session.scalars(query.limit(limit)))


def check_slot(room: Room, starts_at: datetime, ends_at: datetime, exclude_ids=()) -> None:
    """Raise SlotTaken when the (locked) room is held at that time."""
    holder = clash(room.id, starts_at, ends_at, exclude_ids)
    if holder is not None:
        alternatives = free_rooms(starts_at, ends_at, like=room)
        db.session.rollback()
        raise SlotTaken(holder, alternatives)


# ---- rules ----------------------------------------------------------------------------------------------

def _problems(data: BookingData, room: Room | None) -> list[BookingError]:
    problems = []
    if room is None or not room.active:
        problems.append(BookingError(_l("Choose a room from the list."), "room_id"))
    if data.starts_at is None or data.ends_at is None:
        pass  # the form has already said which time is missing; the needs are still checked below
    elif data.ends_at <= data.starts_at:
        problems.append(BookingError(_l("The end must be after the start."), "ends"))
    elif data.ends_at - data.starts_at > LONGEST:
        problems.append(BookingError(_l("A booking lasts at most 12 hours."), "ends"))
    if data.starts_at is not None and data.starts_at < utcnow() - PAST_TOLERANCE:
        problems.append(BookingError(_l("The start is in the past; check the date."), "starts"))
    if room is not None:
        missing = [need.label for need in workflow.Need if need.value in data.needs and not room.has(need.value)]
        if missing:
            problems.append(BookingError(_l("This room has no %(what)s; choose a room that has.",
                                            what=", ".join(str(m) for m in missing)), "needs"))
    return problems


def occurrences(data: BookingData) -> list[tuple[datetime, datetime]]:
    """The (start, end) of each occurrence: one, or every N weeks until the last day, minus skipped dates."""
    if not data.repeat_weeks:
        return [(data.starts_at, data.ends_at)]
    step = timedelta(weeks=data.repeat_weeks)
    last = data.until or to_local(data.starts_at).date()
    found, start = [], data.starts_at
    while to_local(start).date() <= last and len(found) < MOST_OCCURRENCES:
        if to_local(start).date() not in data.skip:
            found.append((start, start + (data.ends_at - data.starts_at)))
        start += step
    return found


def _series_problems(data: BookingData, slots) -> list[BookingError]:
    if data.repeat_weeks and data.until is None:
        return [BookingError(_l("Give the last day of the series."), "until")]
    if data.repeat_weeks and data.until and data.until < to_local(data.starts_at).date():
        return [BookingError(_l("The last day must be on or after the first."), "until")]
    if not slots:
        return [BookingError(_l("Every date of the series is skipped."), "skip")]
    return []


def problems(data: BookingData) -> list[BookingError]:
    """Every broken rule of a booking form (not the clash: that needs the lock). A form with a time missing
    still hears of the rules that do not need it, so all its errors show at once."""
    room = db.session.get(Room, data.room_id) if data.room_id else None
    if data.starts_at is None or data.ends_at is None:
        return _problems(data, room)
    return _problems(data, room) + _series_problems(data, occurrences(data))


def _people(data: BookingData, organiser: User) -> list[User]:
    """The attendees: the people named and everyone active in the departments named, without the organiser."""
    ids = set(data.attendee_ids)
    if data.department_ids:
        ids |= set(db.session.scalars(select(User.id).where(User.department_id.in_(list(data.department_ids)),
                                                            User.active)))
    ids.discard(organiser.id)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active).order_by(User.name)))


# ---- booking ----------------------------------------------------------------------------------------------

def book(user, data: BookingData, token: str = "") -> Booking:
    """Book the room (every occurrence of a series); a repeated form (same token) books once.

    Raises BookingError for a broken rule, SlotTaken when someone holds the room at one of the times."""
    found = problems(data)
    if found:
        raise found[0]

    def create() -> str:
        room = lock_room(data.room_id)
        slots = occurrences(data)
        for starts_at, ends_at in slots:
            check_slot(room, starts_at, ends_at)
        bookings = _create(user, room, data, slots)
        return str(bookings[0].id)
    return db.session.get(Booking, int(idempotency.once(token, create)))


def _create(user, room: Room, data: BookingData, slots) -> list[Booking]:
    status = BookingStatus.PENDING if room.needs_approval and not user.has_any_role(Role.OFFICE) \
        else BookingStatus.CONFIRMED
    series = BookingSeries(interval_weeks=data.repeat_weeks) if len(slots) > 1 or data.repeat_weeks else None
    people = _people(data, user)
    bookings = []
    for starts_at, ends_at in slots:
        booking = Booking(room=room, starts_at=starts_at, ends_at=ends_at, title=data.title.strip(),
                          agenda=data.agenda.strip(), organiser=user, status=status.value)
        for need in workflow.Need:
            setattr(booking, f"need_{need.value}", need.value in data.needs)
        booking.attendees = [Attendee(user=person) for person in people]
        db.session.add(booking)
        bookings.append(booking)
    if series is not None:
        db.session.add(series)
        db.session.flush()
        for booking in bookings:
            booking.series_id = series.id
    db.session.flush()
    _after_create(bookings, status)
    return bookings


def _after_create(bookings: list[Booking], status: BookingStatus) -> None:
    first = bookings[0]
    if status == BookingStatus.PENDING:
        notify(users_with_role(Role.OFFICE),
               _l("%(name)s asks for %(room)s on %(when)s: approve or refuse.", name=first.organiser.name,
                  room=first.room.name, when=notices.when(first)), link=detail_link(first.id), commit=False)
        return
    for booking in bookings:
        checks.arrange(booking)
    notices.invite(first, series_count=len(bookings))


# ---- moving, cancelling, approving ------------------------------------------------------------------------

def guard(user, booking: Booking, action: str) -> None:
    if not workflow.may(user, booking, action):
        raise BookingError(_l("This booking is “%(status)s”; that is not possible now.",
                              status=booking.status_enum.label))


def move(user, booking: Booking, room_id: int, starts_at: datetime, ends_at: datetime) -> Booking:
    """Move to another time or room; attendees get the calendar entry again (same UID, higher SEQUENCE)."""
    guard(user, booking, "move")
    data = BookingData(room_id=room_id, starts_at=starts_at, ends_at=ends_at, title=booking.title,
                       needs=tuple(n.value for n in booking.needs))
    found = problems(data)
    if found:
        raise found[0]
    room = lock_room(room_id)
    check_slot(room, starts_at, ends_at, exclude_ids=(booking.id,))
    booking.room, booking.starts_at, booking.ends_at = room, starts_at, ends_at
    booking.sequence += 1
    booking.reminded_at = None  # the reminder is re-armed for the new time
    if booking.status == BookingStatus.CONFIRMED:
        checks.rearrange(booking)
        notices.moved(booking)
    db.session.commit()
    return booking


def cancel(user, booking: Booking, whole_series: bool = False) -> int:
    """Cancel the booking (or it and every later one of its series); attendees get METHOD:CANCEL."""
    guard(user, booking, "cancel")
    targets = [booking]
    if whole_series and booking.series_id:
        targets = list(db.session.scalars(select(Booking).where(
            Booking.series_id == booking.series_id, Booking.starts_at >= booking.starts_at,
            Booking.status.in_(HOLDING)).order_by(Booking.starts_at)))
    for target in targets:
        was_confirmed = target.status == BookingStatus.CONFIRMED
        target.status = BookingStatus.CANCELLED.value
        target.sequence += 1
        checks.drop(target)
        if was_confirmed:
            notices.cancelled(target)
    db.session.commit()
    return len(targets)


def decide(user, booking: Booking, approve: bool) -> None:
    """The office approves a booking of a room that needs it (then it is like any other) or refuses it."""
    guard(user, booking, "approve" if approve else "refuse")
    claimed = db.session.execute(update(Booking).where(Booking.id == booking.id,
                                                       Booking.status == BookingStatus.PENDING.value)
                                 .values(status=(BookingStatus.CONFIRMED if approve else BookingStatus.REFUSED).value)
                                 .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise Conflict(_l("Someone else decided on this booking a moment ago."), current=booking)
    db.session.refresh(booking)
    if approve:
        checks.arrange(booking)
        notices.invite(booking)
    else:
        notify([booking.organiser], _l("The office refused your booking of %(room)s on %(when)s.",
                                       room=booking.room.name, when=notices.when(booking)),
               link=detail_link(booking.id), commit=False)
    db.session.commit()


# ---- who sees a booking -------------------------------------------------------------------------------

def get_visible(user, booking_id: int) -> Booking | None:
    """Anyone signed in sees a booking on the rooms page; its page is for the organiser, attendees, the
    office and technical staff (the check)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        return None
    invited = any(row.user_id == user.id for row in booking.attendees)
    if booking.organiser_id == user.id or invited or user.has_any_role(Role.OFFICE) or checks.is_technical(user):
        return booking
    return None
