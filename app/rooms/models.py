"""The one room list (visits, liaison meetings and general bookings share it), bookings with their attendees
and answers, recurring series, and the equipment check one hour before."""
from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow

from .workflow import Answer, BookingStatus, CheckStatus, Need


class Room(db.Model):
    """A meeting room; deactivated rooms stay on old visits and bookings."""
    __tablename__ = "rooms"
    # Named when the table was the visits' `visit_rooms` (migration 0004): SQLite cannot rename a constraint
    # without copying the table, which its foreign keys forbid while visits point at rooms.
    __table_args__ = (UniqueConstraint("name", name="uq_visit_rooms_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # the Chinese (or only) name
    name_en: Mapped[str] = mapped_column(String(80), default="")
    building: Mapped[str] = mapped_column(String(80), default="")
    floor: Mapped[str] = mapped_column(String(20), default="")
    capacity: Mapped[int] = mapped_column(default=0)
    projector: Mapped[bool] = mapped_column(default=False)
    video: Mapped[bool] = mapped_column(default=False)
    whiteboard: Mapped[bool] = mapped_column(default=False)
    needs_approval: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        """The name in the reader's language (the English one when there is one)."""
        locale = str(get_locale() or "zh")
        return self.name_en if self.name_en and not locale.startswith("zh") else self.name

    @property
    def where(self) -> str:
        return " · ".join(part for part in (self.building, self.floor) if part)

    def has(self, need: str) -> bool:
        return bool(getattr(self, need, False)) if need in ("projector", "video") else True

    def __str__(self) -> str:
        return self.name


class BookingSeries(db.Model):
    """A weekly or two-weekly recurring booking; each occurrence is its own booking row."""
    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    interval_weeks: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Booking(db.Model):
    """A room held from starts_at to ends_at, for a visit, a liaison meeting, or a meeting of its own."""
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_room_id_starts_at", "room_id", "starts_at"),
                      Index("ix_bookings_starts_at_status", "starts_at", "status"),
                      Index("ix_bookings_organiser_id_starts_at", "organiser_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(String(200))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agenda: Mapped[str] = mapped_column(Text, default="")
    need_projector: Mapped[bool] = mapped_column(default=False)
    need_video: Mapped[bool] = mapped_column(default=False)
    need_tea: Mapped[bool] = mapped_column(default=False)
    need_name_cards: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.CONFIRMED.value)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("booking_series.id"), index=True)
    sequence: Mapped[int] = mapped_column(default=0)  # the .ics SEQUENCE: raised by every move
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    room: Mapped[Room] = relationship(lazy="joined")
    organiser: Mapped[User] = relationship(lazy="joined")
    attendees: Mapped[list["Attendee"]] = relationship(back_populates="booking", cascade="all, delete-orphan",
                                                        order_by="Attendee.id")
    check: Mapped["EquipmentCheck | None"] = relationship(back_populates="booking", cascade="all, delete-orphan")

    @property
    def status_enum(self) -> BookingStatus:
        return BookingStatus(self.status)

    @property
    def needs(self) -> list[Need]:
        return [need for need in Need if getattr(self, f"need_{need.value}")]

    @property
    def equipment(self) -> list[Need]:
        return [need for need in self.needs if need in (Need.PROJECTOR, Need.VIDEO)]

    @property
    def holds_room(self) -> bool:
        return self.status in (BookingStatus.CONFIRMED, BookingStatus.PENDING)


class Attendee(db.Model):
    """A person invited to a booking (departments are expanded into their people) and their answer."""
    __tablename__ = "booking_attendees"
    __table_args__ = (UniqueConstraint("booking_id", "user_id"),
                      Index("ix_booking_attendees_user_id_ends_at", "user_id", "ends_at", "booking_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The booking's own end, kept here by _attendees_keep_the_end: a person's coming bookings are then read
    # from (user_id, ends_at) alone, not by looking up every booking they were ever invited to.
    ends_at: Mapped[datetime]
    answer: Mapped[str] = mapped_column(String(20), default=Answer.WAITING.value)
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]

    booking: Mapped[Booking] = relationship(back_populates="attendees")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    substitute: Mapped[User | None] = relationship(foreign_keys=[substitute_id], lazy="joined")

    @property
    def answer_enum(self) -> Answer:
        return Answer(self.answer)


@event.listens_for(Session, "before_flush")
def _attendees_keep_the_end(session: Session, _context, _instances) -> None:
    """A new attendee takes its booking's end; a booking moved to another end passes it to its attendees."""
    with session.no_autoflush:
        for item in (*session.new, *session.dirty):
            if isinstance(item, Attendee) and item.booking is not None:
                item.ends_at = item.booking.ends_at
            elif isinstance(item, Booking) and inspect(item).attrs.ends_at.history.has_changes():
                for row in item.attendees:
                    row.ends_at = item.ends_at


class EquipmentCheck(db.Model):
    """The technical department's check of a booking's equipment, due one hour before the start."""
    __tablename__ = "equipment_checks"
    __table_args__ = (Index("ix_equipment_checks_due_at_status", "due_at", "status"),
                      Index("ix_equipment_checks_assignee_id_due_at", "assignee_id", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=CheckStatus.OPEN.value)
    note: Mapped[str] = mapped_column(String(1000), default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]  # the assignee was reminded shortly before it is due (jobs.py)

    booking: Mapped[Booking] = relationship(back_populates="check", lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])

    @property
    def status_enum(self) -> CheckStatus:
        return CheckStatus(self.status)
