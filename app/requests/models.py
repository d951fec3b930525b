"""Request types (the catalogue), department handlers, requests, their files and their timeline."""
import json
from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Department, User
from app.choices import LabelledEnum
from app.extensions import db
from app.timeutil import utcnow

from .workflow import ACTIVE_STATUSES, OPEN_STATUSES, Status

MAX_FILES = 3


class EventKind(LabelledEnum):
    """A timeline entry, named like its transition."""
    SUBMITTED = "submitted", _l("Filed")
    TAKE = "take", _l("Taken")
    ANSWER = "answer", _l("Answered")
    ASK = "ask", _l("Asked the requester for information")
    REPLY = "reply", _l("Information sent")
    HAND_OVER = "hand_over", _l("Handed over")
    COMPLETE = "complete", _l("Completed")
    CONFIRM = "confirm", _l("Confirmed done")
    REOPEN = "reopen", _l("Reopened")
    CANCEL = "cancel", _l("Cancelled")
    AUTO_CONFIRMED = "auto_confirmed", _l("Confirmed automatically")


class RequestType(db.Model):
    """One entry of the catalogue (协作平台入口), e.g. 检测报告申请 answered by Quality within 1 working day."""
    __tablename__ = "request_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    guidance: Mapped[str] = mapped_column(String(1000), default="")
    # Extra fields, one a line: "label | kind | choice, choice" (see fields.py).
    fields_spec: Mapped[str] = mapped_column(Text, default="")
    answer_days: Mapped[int] = mapped_column(default=1)
    complete_days: Mapped[int] = mapped_column(default=3)
    # Department ids that may file, comma separated; empty: everyone.
    filer_department_ids: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)

    @property
    def name(self) -> str:
        return self.name_zh if str(get_locale() or "").startswith("zh") else self.name_en

    @property
    def filer_ids(self) -> set[int]:
        return {int(part) for part in self.filer_department_ids.split(",") if part.strip().isdigit()}

    def may_file(self, user) -> bool:
        filers = self.filer_ids
        return self.active and (not filers or user.department_id in filers)

    def __str__(self) -> str:
        return self.name


class RequestHandler(db.Model):
    """A person who answers a department's requests (a per-department handler list, kept by the office)."""
    __tablename__ = "request_handlers"
    __table_args__ = (UniqueConstraint("department_id", "user_id", name="uq_request_handlers_department_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ServiceRequest(db.Model):
    """One request to another department and its way from submitted to confirmed; `version` guards races."""
    __tablename__ = "service_requests"
    __table_args__ = (
        Index("ix_service_requests_department_id_status", "department_id", "status"),
        Index("ix_service_requests_requester_id_created_at", "requester_id", "created_at"),
        # The open lists' order (overdue first, by department and type, soonest due) from the index alone.
        Index("ix_service_requests_status_complete_due_cover", "status", "complete_due", "department_id", "type_id",
              "answered_at", "answer_due", "waiting_since"),
        # The office's 30/90-day figures and the home card read this index alone (see stats.py); waiting_since
        # and closed_at judge the clocks of requests never answered or never done (migration 0028).
        Index("ix_service_requests_created_at_cover", "created_at", "department_id", "type_id", "answered_at",
              "answer_due", "done_at", "complete_due", "waiting_since", "closed_at"),
        # The figures' medians: each department and type's spans (stored, see figures.py) in order, walked up
        # to the window's middle ones (stats._medians) from the index alone, with no sort (migration 0039).
        Index("ix_service_requests_answer_spans", "department_id", "type_id", "answer_seconds", "created_at"),
        Index("ix_service_requests_done_spans", "department_id", "type_id", "done_seconds", "created_at"),
        # The figures' requests whose clocks still run (never closed), judged against the time of the page
        # (stats._window_counts); every other request is counted in request_figure_days (migration 0039).
        Index("ix_service_requests_closed_at_clocks", "closed_at", "created_at", "department_id", "type_id",
              "answered_at", "answer_due", "done_at", "waiting_since", "complete_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: the figures' flush listener (figures.py) reads what a changed clock was before the change,
    # even when it is set on a request not loaded since the last commit.
    type_id: Mapped[int] = mapped_column(ForeignKey("request_types.id"), index=True, active_history=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), active_history=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(String(2000))
    extra: Mapped[str] = mapped_column(Text, default="")  # JSON: [[label, value], ...]
    status: Mapped[str] = mapped_column(String(20), default=Status.SUBMITTED.value)
    answer: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, active_history=True)
    answer_due: Mapped[datetime] = mapped_column(active_history=True)
    complete_due: Mapped[datetime] = mapped_column(active_history=True)
    answered_at: Mapped[datetime | None] = mapped_column(active_history=True)
    waiting_since: Mapped[datetime | None] = mapped_column(active_history=True)
    done_at: Mapped[datetime | None] = mapped_column(active_history=True)
    closed_at: Mapped[datetime | None] = mapped_column(active_history=True)
    # Seconds from filing to the first answer and to done, kept from the clocks above by figures.py, so that
    # the figures' medians sort numbers from an index instead of working out every span of the window.
    answer_seconds: Mapped[float | None]
    done_seconds: Mapped[float | None]
    version: Mapped[int] = mapped_column(default=1)

    type: Mapped[RequestType] = relationship(lazy="joined", innerjoin=True)
    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)
    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined", innerjoin=True)
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id], lazy="joined")
    files: Mapped[list["RequestFile"]] = relationship(
        back_populates="request", order_by="RequestFile.id", lazy="select", cascade="all, delete-orphan")
    events: Mapped[list["RequestEvent"]] = relationship(
        back_populates="request", order_by="RequestEvent.id", lazy="select", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def status_label(self):
        return self.status_enum.label

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def extra_pairs(self) -> list:
        return json.loads(self.extra) if self.extra else []

    def answer_overdue(self, now: datetime) -> bool:
        return self.answered_at is None and self.status in ACTIVE_STATUSES and now > self.answer_due

    def complete_overdue(self, now: datetime) -> bool:
        """The clock stands still while waiting, so a waiting request is judged by when it began to wait."""
        if self.status not in (*ACTIVE_STATUSES, Status.WAITING):
            return False
        return (self.waiting_since or now) > self.complete_due

    def is_overdue(self, now: datetime) -> bool:
        return self.answer_overdue(now) or self.complete_overdue(now)


class RequestFigureDay(db.Model):
    """The office's figures of the requests one department got of one type filed on one day (UTC), kept by
    every write of a request (figures.py), so a 30/90-day window reads a row a day instead of every request.

    Counted here is what no longer changes with time: `answered` counts the requests answered and those
    closed unanswered after their answer was due, `done` likewise those done and those whose completion
    clock stopped (waiting, closed) after it was due; the `*_spans` count the spans each median is taken
    from. What a still-running clock will count depends on the time of the page (stats._window_counts)."""
    __tablename__ = "request_figure_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("request_types.id"), primary_key=True)
    filed: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    answered_on_time: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    done_on_time: Mapped[int] = mapped_column(default=0)
    answer_spans: Mapped[int] = mapped_column(default=0)
    done_spans: Mapped[int] = mapped_column(default=0)


class RequestFile(db.Model):
    """An attached photo (re-encoded into stored_photos) or document (its checked bytes kept here)."""
    __tablename__ = "request_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    photo_name: Mapped[str] = mapped_column(String(80), default="")  # set for a photo
    data: Mapped[bytes | None] = mapped_column(LargeBinary)           # set for a document
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="files")

    @property
    def is_photo(self) -> bool:
        return bool(self.photo_name)


class RequestEvent(db.Model):
    """One line of the timeline; a hand-over names the departments it went from and to."""
    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_kind_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(2000), default="")
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")
    from_department: Mapped[Department | None] = relationship(foreign_keys=[from_department_id], lazy="joined")
    to_department: Mapped[Department | None] = relationship(foreign_keys=[to_department_id], lazy="joined")

    @property
    def title(self):
        kind = EventKind.of(self.kind)
        if self.kind == EventKind.HAND_OVER and self.to_department is not None:
            return _l("Handed over to %(department)s", department=department_name(self.to_department))
        return kind.label if kind is not None else self.kind


def department_name(department) -> str:
    if department is None:
        return "—"
    return department.name_zh if str(get_locale() or "").startswith("zh") else department.name_en
