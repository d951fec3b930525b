"""Visits, their reception checklists and the templates the checklists are copied from (rooms: app/rooms)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Department, User
from app.choices import LabelledEnum
from app.extensions import db
from app.rooms.models import Room
from app.search_grams import searched
from app.timeutil import utcnow

from .workflow import Shown, StepState, VisitStatus


class VisitType(LabelledEnum):
    """Picks the reception checklist a visit starts with."""
    CUSTOMER = "customer", _l("Customer visit")
    SUPPLIER = "supplier", _l("Supplier visit")
    AUDIT = "audit", _l("Audit or inspection")
    INTERVIEW = "interview", _l("Job interview")
    OTHER = "other", _l("Other visit")


class Responsible(LabelledEnum):
    """Who does a checklist step."""
    RECEPTION = "reception", _l("Reception")
    OWNER = "owner", _l("Visit owner")
    HOST = "host", _l("Host")
    TECHNICAL = "technical", _l("Technical staff")


class EventAction(LabelledEnum):
    """What a history entry records, as the history reads it ("Li: ticked off …")."""
    CREATE = "create", _l("planned the visit")
    REQUEST = "request", _l("requested the visit")
    ACCEPT = "accept", _l("accepted the request")
    EDIT = "edit", _l("changed the visit")
    ARRIVE = "arrive", _l("recorded the arrival")
    DEPART = "depart", _l("recorded the departure")
    RETYPE = "retype", _l("changed the visit type and started the new type's checklist")
    COMPLETE = "complete", _l("completed the visit")
    CANCEL = "cancel", _l("cancelled the visit")
    TICK = "tick", _l("ticked off")
    UNTICK = "untick", _l("reopened")
    SKIP = "skip", _l("skipped")
    NOTE = "note", _l("noted on")
    PURGE = "purge", _l("removed the visitors' personal data")


def _label(enum, value):
    member = enum.of(value)
    return member.label if member else value


class ChecklistTemplate(db.Model):
    """The reception standard for one visit type: the steps every such visit starts with."""
    __tablename__ = "visit_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_type: Mapped[str] = mapped_column(String(20), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    steps: Mapped[list["TemplateStep"]] = relationship(
        back_populates="template", order_by="TemplateStep.position", cascade="all, delete-orphan")

    @property
    def label(self):
        return _label(VisitType, self.visit_type)


class StepTiming:
    """Shared by template steps and visit steps: who does it and when, relative to the visit."""
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(20), default="reception")
    anchor: Mapped[str] = mapped_column(String(10), default="arrival")
    offset_minutes: Mapped[int] = mapped_column(default=0)

    @property
    def responsible_label(self):
        return _label(Responsible, self.responsible)


class TemplateStep(StepTiming, db.Model):
    __tablename__ = "visit_template_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("visit_templates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="steps")


visit_cohosts = Table(
    "visit_cohosts", db.metadata,
    Column("visit_id", Integer, ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True, index=True),
)


@searched("visit", "organisation", "visitor_names", "purpose")
class Visit(db.Model):
    """One reception of visitors, owned end to end by one office staff member."""
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_status_expected_arrival", "status", "expected_arrival"),
                      # The monthly report's visits completed in a month, from the index alone.
                      Index("ix_visits_status_departed_at", "status", "departed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    visit_type: Mapped[str] = mapped_column(String(20), default="customer")
    organisation: Mapped[str] = mapped_column(String(120), index=True)
    visitor_names: Mapped[str] = mapped_column(Text, default="")
    visitor_count: Mapped[int] = mapped_column(default=1)
    lead_phone: Mapped[str] = mapped_column(String(40), default="")
    purpose: Mapped[str] = mapped_column(String(500), default="")
    host_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    expected_arrival: Mapped[datetime] = mapped_column(index=True)
    expected_departure: Mapped[datetime] = mapped_column(index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    room_text: Mapped[str] = mapped_column(String(80), default="")
    meals_count: Mapped[int] = mapped_column(default=0)
    dietary_notes: Mapped[str] = mapped_column(String(500), default="")
    materials: Mapped[str] = mapped_column(String(1000), default="")
    licence_plates: Mapped[str] = mapped_column(String(200), default="")
    vip: Mapped[bool] = mapped_column(default=False)
    reception_note: Mapped[str] = mapped_column(String(1000), default="")
    arrived_at: Mapped[datetime | None]
    departed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    checkout_reminded_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by every change a front-desk board must show; the board's poll compares it.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    host: Mapped[User] = relationship(foreign_keys=[host_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    host_department: Mapped[Department | None] = relationship()
    room: Mapped[Room | None] = relationship()
    cohosts: Mapped[list[User]] = relationship(secondary=visit_cohosts, order_by=User.name)
    steps: Mapped[list["VisitStep"]] = relationship(
        back_populates="visit", order_by="VisitStep.position", cascade="all, delete-orphan")

    @property
    def shown_status(self) -> LabelledEnum:
        """The status as the front desk sees it (for `status_badge`): once the visitors have left, an
        in-progress visit (still waiting for follow-up steps) shows as departed."""
        if self.status == VisitStatus.IN_PROGRESS and self.departed_at:
            return Shown.DEPARTED
        return VisitStatus(self.status)

    @property
    def type_label(self):
        return _label(VisitType, self.visit_type)

    @property
    def room_name(self) -> str:
        return self.room.name if self.room else self.room_text

    @property
    def names(self) -> list[str]:
        return [line for line in self.visitor_names.splitlines() if line.strip()]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.state != "open")

    @property
    def on_site(self) -> bool:
        return self.arrived_at is not None and self.departed_at is None


class VisitStep(StepTiming, db.Model):
    """A checklist step copied from the template when the visit was created; it never follows later edits."""
    __tablename__ = "visit_steps"
    # A visit's steps by state: lists count them and read only the open ones from this index (migration 0035).
    __table_args__ = (Index("ix_visit_steps_state_due_at", "state", "due_at"),
                      Index("ix_visit_steps_visit_id_state", "visit_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), default="open")
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    skip_reason: Mapped[str] = mapped_column(String(500), default="")
    overdue_notified_at: Mapped[datetime | None]
    # Already past when the visit was planned (a visit booked at short notice): still doable, never overdue.
    late_planned: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)

    visit: Mapped[Visit] = relationship(back_populates="steps")
    done_by: Mapped[User | None] = relationship()

    @property
    def state_label(self):
        return _label(StepState, self.state)

    def is_overdue(self, now: datetime) -> bool:
        """Open and past due (see `open_step_overdue`)."""
        if self.state != "open" or self.late_planned or self.due_at >= now:
            return False  # decided without reading the visit
        return open_step_overdue(self.due_at, self.late_planned, self.visit.departed_at, now)


def open_step_overdue(due_at: datetime, late_planned: bool, departed_at: datetime | None, now: datetime) -> bool:
    """Whether an open step is overdue: past due, unless it was already past when the visit was planned (nobody
    could have done it in time) or the visitors have left before it was due (a step for their stay cannot be
    done now). Apart from VisitStep.is_overdue so a list can ask it of steps read as plain rows."""
    if late_planned or due_at >= now:
        return False
    return departed_at is None or departed_at < due_at


class VisitEvent(db.Model):
    """The visit's history: ticks, unticks with their reason, skips, arrival, departure, status changes."""
    __tablename__ = "visit_events"
    __table_args__ = (UniqueConstraint("step_id", "step_version", name="uq_visit_events_step_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    # With step_version unique per step, two people changing the same step state at once leave one entry.
    step_id: Mapped[int | None] = mapped_column(ForeignKey("visit_steps.id", ondelete="CASCADE"))
    step_version: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    step: Mapped[VisitStep | None] = relationship()

    @property
    def label(self):
        return _label(EventAction, self.action)
