"""Places, equipment, repair requests, their photos and timeline, and the on-duty roster."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Computed, Date, Double, ForeignKey, Index, String, UniqueConstraint, column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

from app.auth.models import User
from app.choices import LabelledEnum
from app.extensions import db
from app.timeutil import to_local, utcnow

from .workflow import ACTIVE_STATUSES, OPEN_STATUSES, Status


class Category(LabelledEnum):
    """The kind of fault, which decides who can fix it."""
    ELECTRICAL = "electrical", _l("Electrical")
    HVAC = "hvac", _l("Air-conditioning / HVAC")
    PLUMBING = "plumbing", _l("Plumbing")
    LAB = "lab", _l("Lab equipment")
    IT = "it", _l("IT and network")
    FURNITURE = "furniture", _l("Furniture")
    OTHER = "other", _l("Other")


class Urgency(LabelledEnum):
    """How fast it must be answered and fixed (REPAIRS_SLA); the badge class is `urgency-<value>`."""
    EMERGENCY = "emergency", _l("Emergency / safety")
    URGENT = "urgent", _l("Urgent")
    NORMAL = "normal", _l("Normal")


class WaitReason(LabelledEnum):
    PARTS = "parts", _l("Waiting for parts")
    CONTRACTOR = "contractor", _l("Waiting for an outside contractor")
    ACCESS = "access", _l("Waiting for access to the room")


class EventKind(LabelledEnum):
    """A timeline entry: a workflow step (named like its transition) or something the clock did."""
    SUBMITTED = "submitted", _l("Filed")
    REPORT = "report", _l("Another report added")
    TAKE = "take", _l("Taken")
    ASSIGN = "assign", _l("Dispatched")
    START = "start", _l("Work started")
    WAIT = "wait", _l("Waiting")
    RESUME = "resume", _l("Work resumed")
    COMPLETE = "complete", _l("Completed")
    CONFIRM = "confirm", _l("Confirmed fixed")
    REOPEN = "reopen", _l("Reopened")
    CANCEL = "cancel", _l("Cancelled")
    ESCALATED = "escalated", _l("Escalated to all maintenance: no response in time")
    ESCALATED_OFFICE = "escalated_office", _l("Escalated to the office: still not taken")
    AUTO_CONFIRMED = "auto_confirmed", _l("Confirmed automatically")


class Shift(LabelledEnum):
    DAY = "day", _l("Day shift")
    NIGHT = "night", _l("Night shift")


def _label(enum_class, value):
    """A stored value's label; an unknown value (an old row) shows as it is stored."""
    member = enum_class.of(value)
    return member.label if member is not None else value


MAX_PHOTOS = 3
TOO_MANY_PHOTOS = _l("Attach at most %(n)d photos.", n=MAX_PHOTOS)


class Location(db.Model):
    """A room or area where something can break, e.g. R&D building · 3F · lab 302."""
    __tablename__ = "repair_locations"
    __table_args__ = (UniqueConstraint("building", "floor", "room", name="uq_repair_locations_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building: Mapped[str] = mapped_column(String(80))
    floor: Mapped[str] = mapped_column(String(20), default="")
    room: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return self.label_of(self.building, self.floor, self.room)

    @staticmethod
    def label_of(*parts: str) -> str:
        """A place's label from its building, floor and room (lists read just these columns)."""
        return " · ".join(filter(None, parts))

    def __str__(self) -> str:
        return self.label


class Equipment(db.Model):
    """A piece of equipment with an asset number, so its faults add up to a history."""
    __tablename__ = "repair_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    asset_number: Mapped[str] = mapped_column(String(40), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("repair_locations.id"), index=True)
    category: Mapped[str] = mapped_column(String(20), default="other")
    active: Mapped[bool] = mapped_column(default=True)

    location: Mapped[Location] = relationship(lazy="joined")

    @property
    def category_label(self):
        return _label(Category, self.category)

    def __str__(self) -> str:
        return f"{self.name} ({self.asset_number})"


class SecondsBetween(FunctionElement):
    """SQL for the seconds from a moment to a later one (NULL while the later one is): SQLite has no interval
    type, PostgreSQL has no julianday."""
    type = Double()
    inherit_cache = True


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({end}) - julianday({start})) * 86400.0"


@compiles(SecondsBetween, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {end} - {start}) AS DOUBLE PRECISION)"


def _office_month(context) -> date:
    """The first day of the office month (office time) a request is filed in, from its created_at."""
    return to_local(context.get_current_parameters()["created_at"]).date().replace(day=1)


class RepairRequest(db.Model):
    """One fault report and its way from submitted to confirmed; `version` guards concurrent updates."""
    __tablename__ = "repair_requests"
    __table_args__ = (
        Index("ix_repair_requests_status_urgency_fix_due", "status", "urgency", "fix_due"),
        Index("ix_repair_requests_requester_id_created_at", "requester_id", "created_at"),
        Index("ix_repair_requests_equipment_id_status", "equipment_id", "status"),
        # The equipment page's history, newest first, a page at a time: read in order, not sorted (migration 0042).
        Index("ix_repair_requests_equipment_id_created_at", "equipment_id", "created_at", "id"),
        Index("ix_repair_requests_location_id_category_status", "location_id", "category", "status"),
        # The office card's 30-day figures read only this index (no table rows): counts, medians, top equipment.
        Index("ix_repair_requests_created_at_times", "created_at", "responded_at", "done_at", "equipment_id"),
        # The monthly report's counts and medians per urgency: a month of one urgency's clocks, index only.
        Index("ix_repair_requests_urgency_created_at_clocks", "urgency", "created_at", "responded_at",
              "response_due", "done_at", "fix_due"),
        # The closed list filtered by category, newest first, without sorting the category's closed requests,
        # and the board's columns and counts filtered by category.
        Index("ix_repair_requests_category_closed_at", "category", "closed_at"),
        Index("ix_repair_requests_status_category", "status", "category"),
        # The office card's overdue count: both clocks of the open requests read from the index alone.
        # The board's columns are ordered overdue first, then by urgency and due time: with urgency the order
        # is found from this index alone, without reading the requests.
        Index("ix_repair_requests_status_clocks_urgency", "status", "response_due", "responded_at", "fix_due",
              "waiting_since", "urgency"),
        # The queue's "my jobs": the few open ones among everything a technician ever handled.
        Index("ix_repair_requests_assignee_id_status", "assignee_id", "status"),
        # The monthly report's medians: one urgency's month already in order of the time taken, so the middle
        # is found by position (LIMIT/OFFSET) instead of sorting the month (migration 0037).
        Index("ix_repair_requests_urgency_month_response", "urgency", "created_month", "response_seconds"),
        Index("ix_repair_requests_urgency_month_fix", "urgency", "created_month", "fix_seconds"),
        # ... and its equipment with most faults in the month, counted in equipment order.
        Index("ix_repair_requests_month_equipment", "created_month", "equipment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("repair_locations.id"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("repair_equipment.id"))
    category: Mapped[str] = mapped_column(String(20), index=True)
    urgency: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(2000))
    phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(20), default=Status.SUBMITTED.value)
    # No index of its own: ix_repair_requests_assignee_id_status serves every lookup by assignee (migration 0031).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    response_due: Mapped[datetime]
    fix_due: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    waiting_since: Mapped[datetime | None]
    wait_reason: Mapped[str] = mapped_column(String(20), default="")
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    escalated_at: Mapped[datetime | None]  # when it last climbed a level
    # 0 none; 1 all maintenance were alerted; 2 the office too (app/repairs/jobs.py)
    escalation_level: Mapped[int] = mapped_column(default=0, server_default="0")
    work_notes: Mapped[str] = mapped_column(String(2000), default="")
    parts_used: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)
    # The office month it was filed in (its first day), set from created_at when the request is inserted;
    # created_at never changes after that.
    created_month: Mapped[date | None] = mapped_column(default=_office_month)
    # The times taken to the first response and to done, in seconds, worked out by the database on every
    # write (generated columns), so no write can leave them behind. Stored: PostgreSQL indexes no virtual
    # column (SQLite's, added by migration 0037, are virtual: SQLite adds no stored column to a table).
    response_seconds: Mapped[float | None] = mapped_column(
        Computed(SecondsBetween(column("created_at"), column("responded_at")), persisted=True))
    fix_seconds: Mapped[float | None] = mapped_column(
        Computed(SecondsBetween(column("created_at"), column("done_at")), persisted=True))

    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined", innerjoin=True)
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    location: Mapped[Location] = relationship(lazy="joined", innerjoin=True)
    equipment: Mapped[Equipment | None] = relationship(lazy="joined")
    photos: Mapped[list["RepairPhoto"]] = relationship(
        back_populates="repair", order_by="RepairPhoto.id", lazy="select", cascade="all, delete-orphan")
    events: Mapped[list["RepairEvent"]] = relationship(
        back_populates="repair", order_by="RepairEvent.id", lazy="select", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def status_label(self):
        return self.status_enum.label

    @property
    def urgency_enum(self) -> Urgency:
        return Urgency(self.urgency)

    @property
    def urgency_label(self):
        return self.urgency_enum.label

    @property
    def category_label(self):
        return _label(Category, self.category)

    @property
    def wait_reason_label(self):
        return _label(WaitReason, self.wait_reason) if self.wait_reason else ""

    def response_overdue(self, now: datetime) -> bool:
        return self.responded_at is None and self.status == Status.SUBMITTED and now > self.response_due

    def fix_overdue(self, now: datetime) -> bool:
        """The fix clock stops while waiting, so a waiting request is judged by when it began to wait."""
        if self.status not in ACTIVE_STATUSES:
            return False
        return (self.waiting_since or now) > self.fix_due

    def is_overdue(self, now: datetime) -> bool:
        return self.response_overdue(now) or self.fix_overdue(now)

    @property
    def work_is_from_earlier_attempt(self) -> bool:
        """After a reopen the kept work notes and parts describe the attempt that did not fix it."""
        return self.status not in (Status.DONE, Status.CONFIRMED) and bool(self.work_notes or self.parts_used)


class RepairPhoto(db.Model):
    __tablename__ = "repair_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_requests.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(80))
    thumb_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    repair: Mapped[RepairRequest] = relationship(back_populates="photos")


class RepairEvent(db.Model):
    """One line of the timeline: who did what, when, and what they wrote."""
    __tablename__ = "repair_events"
    # The queue's cursor: the newest take/assign/cancel, read from the end of each kind's run; and the newest
    # event by someone else on each queued request, read from the index alone (its actor included). The
    # second also serves every lookup by request (a request's timeline, in id order).
    __table_args__ = (Index("ix_repair_events_kind_id", "kind", "id"),
                      Index("ix_repair_events_repair_id_id_actor_id", "repair_id", "id", "actor_id"),
                      # A person's reports (services.mine): the few among everything they did.
                      Index("ix_repair_events_actor_id_kind_repair_id", "actor_id", "kind", "repair_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_requests.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20), default="")  # a WaitReason value for "wait"
    note: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    repair: Mapped[RepairRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def title(self):
        """The timeline heading: the step, with whom it was dispatched to or what it waits for."""
        # A dispatch keeps the assignee's name in `note` (no column for it), as it was at that moment.
        if self.kind == EventKind.ASSIGN and self.note:
            return _l("Dispatched to %(name)s", name=self.note)
        label = _label(EventKind, self.kind)
        reason = WaitReason.of(self.reason)
        if reason is not None:
            return _l("%(step)s: %(reason)s", step=label, reason=reason.label)
        return label

    @property
    def words(self) -> str:
        """What the person wrote; a dispatch's note holds the assignee's name, already in the title."""
        return "" if self.kind == EventKind.ASSIGN else self.note


class DutyShift(db.Model):
    """Who from maintenance is on duty on a given day's day or night shift (值班表)."""
    __tablename__ = "repair_duty_shifts"
    __table_args__ = (UniqueConstraint("day", "shift", name="uq_repair_duty_shifts_day_shift"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(5))  # a Shift value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(lazy="joined")
