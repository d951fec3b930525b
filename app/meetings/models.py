"""Liaison meetings, their agenda items, attendance, presence, and the action items that follow."""
from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.auth.models import Department, User
from app.choices import LabelledEnum
from app.extensions import db
from app.timeutil import utcnow

from .workflow import ActionState, ItemStatus, MeetingStatus

# Columns store the enums' plain string values (portable); statuses and their moves live in workflow.py,
# the other choices here. Templates read the members through the `*_enum` properties.


class Kind(LabelledEnum):
    NEED = "need", _l("need")
    PROBLEM = "problem", _l("problem")
    INFORMATION = "information", _l("information")


class Urgency(LabelledEnum):
    NORMAL = "normal", _l("normal")
    HIGH = "high", _l("high")
    URGENT = "urgent", _l("urgent")

    @property
    def css(self) -> str:
        return f"urgency-{self.value}"


class AttendanceStatus(LabelledEnum):
    """Whether a department's liaison came to a meeting (the attendance form's choices)."""
    PRESENT = "present", _l("present")
    SUBSTITUTE = "substitute", _l("substitute sent")
    ABSENT = "absent", _l("absent")


class SeriesKind(LabelledEnum):
    """The liaison meeting (its members are the departments' liaisons, attendance per department) or a group
    such as a project coordination group (专项项目协同小组: named members, attendance per member)."""
    LIAISON = "liaison", _l("liaison meeting")
    GROUP = "group", _l("group with named members")


meeting_series_members = Table(
    "meeting_series_members", db.metadata,
    Column("series_id", Integer, ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True, index=True),
)


class MeetingSeries(db.Model):
    """A run of meetings sharing members, a default place or room, and follow-ups. Exactly one is the liaison
    meeting (created by migration 0025); the office adds groups with their own members."""
    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))  # the Chinese (or only) name
    name_en: Mapped[str] = mapped_column(String(80), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20), default=SeriesKind.GROUP.value)
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    place: Mapped[str] = mapped_column(String(120), default="", server_default="")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(secondary=meeting_series_members, order_by="User.name")

    @property
    def is_group(self) -> bool:
        return self.kind == SeriesKind.GROUP

    @property
    def label(self) -> str:
        """The name in the reader's language (the English one when there is one)."""
        locale = str(get_locale() or "zh")
        return self.name_en if self.name_en and not locale.startswith("zh") else self.name

    @property
    def kind_enum(self) -> SeriesKind:
        return SeriesKind(self.kind)

    @property
    def both_names(self) -> str:
        """For calendar entries and e-mail subjects, read in either language."""
        return f"{self.name} / {self.name_en}" if self.name_en else self.name

    def __str__(self) -> str:
        return self.label


class Meeting(db.Model):
    """A weekly liaison meeting: when and where, how far it has got, and the counters its open screens poll.

    `revision` rises by one in the same transaction as every change shown on the live screen;
    `layout_revision` and `followup_revision` remember the last change that needs the whole agenda
    (order, status, attendance) or the whole follow-up section redrawn. Open screens poll with the
    revision they have, so the database alone answers "what changed" — no state in any worker.
    """
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.COLLECTING.value, index=True)
    revision: Mapped[int] = mapped_column(default=1)
    layout_revision: Mapped[int] = mapped_column(default=1)
    followup_revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None]  # the office's "start"; presence from then on proposes attendance
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None]  # when liaisons were reminded of it (app/meetings/notices.py)
    # The calendar entry's SEQUENCE: raised each time the office moves the meeting (notices.reschedule).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id], lazy="joined")
    series: Mapped[MeetingSeries] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.status != MeetingStatus.CLOSED

    @property
    def status_enum(self) -> MeetingStatus:
        return MeetingStatus(self.status)


LIAISON_NAME, LIAISON_NAME_EN = "部门联络员会议", "Liaison meeting"


def find_liaison_series(session) -> MeetingSeries:
    """The liaison series, created when missing: migration 0025 creates it, but a database built from the
    models (tests, a fresh demo) gets it on first use."""
    series = session.scalar(select(MeetingSeries).where(MeetingSeries.kind == SeriesKind.LIAISON.value)
                            .order_by(MeetingSeries.id).limit(1))
    if series is None:
        series = MeetingSeries(name=LIAISON_NAME, name_en=LIAISON_NAME_EN, kind=SeriesKind.LIAISON.value)
        session.add(series)
    return series


@event.listens_for(Session, "before_flush")
def _liaison_by_default(session, _context, _instances) -> None:
    """A meeting created without a series is a liaison meeting: the follow-up meeting of a close, tasks and
    reports, and every test that predates series keep working unchanged."""
    pending = [m for m in session.new if isinstance(m, Meeting) and m.series_id is None and m.series is None]
    if pending:
        with session.no_autoflush:
            series = find_liaison_series(session)
        for meeting in pending:
            meeting.series = series


class AgendaItem(db.Model):
    """A need, problem or piece of information a department brings to a meeting."""
    __tablename__ = "meeting_items"
    __table_args__ = (Index("ix_meeting_items_meeting_id_revision", "meeting_id", "revision"),
                      Index("ix_meeting_items_meeting_id_position", "meeting_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    details: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    addressed_to_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    urgency: Mapped[str] = mapped_column(String(20), default=Urgency.NORMAL.value)
    minutes_budget: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.OPEN.value)
    outcome: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(500), default="")
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_items.id"))
    # Two counters for the two inline forms: the item text (liaison or office) and the outcome
    # (office). Saving one never makes the other's open form stale; each form checks only its own.
    version: Mapped[int] = mapped_column(default=1)
    outcome_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The meeting revision of the last change to the item, and of its creation: a screen that has
    # seen revision V appends the items added after V and redraws the ones changed after V.
    revision: Mapped[int] = mapped_column(default=1)
    added_revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship()
    department: Mapped[Department] = relationship(foreign_keys=[department_id], lazy="joined")
    addressed_to: Mapped[Department | None] = relationship(foreign_keys=[addressed_to_id], lazy="joined")
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id], lazy="joined")
    actions: Mapped[list["ActionItem"]] = relationship(back_populates="item", order_by="ActionItem.id")

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def urgency_enum(self) -> Urgency:
        return Urgency(self.urgency)

    @property
    def status_enum(self) -> ItemStatus:
        return ItemStatus(self.status)


class MeetingAnswer(db.Model):
    """A liaison's answer to the meeting notice (参会回执): attend, decline, or send a substitute; the proposed
    attendance starts from these (attendance.py)."""
    __tablename__ = "meeting_answers"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_meeting_answers_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str] = mapped_column(String(20))
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    substitute: Mapped[User | None] = relationship(foreign_keys=[substitute_id], lazy="joined")


class Attendance(db.Model):
    """Whether a department's liaison was at a meeting, or who came in their place."""
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "department_id", name="uq_meeting_attendance_meeting_dept"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[str] = mapped_column(String(20), default=AttendanceStatus.ABSENT.value)
    substitute: Mapped[str] = mapped_column(String(80), default="")
    # The department's liaison when the meeting closed (every department gets a row then), so the
    # minutes keep naming who was expected even after the liaison changes.
    liaison_name: Mapped[str] = mapped_column(String(80), default="", server_default="")

    department: Mapped[Department] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return str(self.department)


class MemberAttendance(db.Model):
    """Whether a member of a group series was at one of its meetings, or who came in their place (the liaison
    meeting keeps its attendance per department, above)."""
    __tablename__ = "meeting_member_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_meeting_member_attendance_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=AttendanceStatus.ABSENT.value)
    substitute: Mapped[str] = mapped_column(String(80), default="")

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return self.user.name


class Presence(db.Model):
    """When a person last had a meeting's live screen open (written by their browser every few seconds)."""
    __tablename__ = "meeting_presence"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship(lazy="joined")


class Amendment(db.Model):
    """A correction to the minutes of a closed meeting, kept with who made it and when."""
    __tablename__ = "meeting_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User] = relationship(lazy="joined")


class ActionItem(db.Model):
    """A task handed out at a meeting: owner, deadline and acceptance criterion (责任人 + 完成时限 + 验收标准)."""
    __tablename__ = "meeting_actions"
    __table_args__ = (
        Index("ix_meeting_actions_state_deadline", "state", "deadline"),
        # The monthly report (app/reports): a month's tasks assigned, and those due, read from the index alone.
        Index("ix_meeting_actions_created_at", "created_at"),
        Index("ix_meeting_actions_deadline_accepted_at", "deadline", "accepted_at"),
        # The home card's counts per department (queries.department_stats), each from its index alone.
        Index("ix_meeting_actions_state_department_deadline", "state", "department_id", "deadline"),
        Index("ix_meeting_actions_accepted_at_department", "accepted_at", "department_id"),
        # The action and task lists (queries.search): their order walked from one end, a liaison's own
        # department first, and a liaison's count of what they may see; an assigner's task overview
        # (app/tasks/queries.py): each from an index (migration 0032).
        Index("ix_meeting_actions_department_id_deadline_id", "department_id", "deadline", "id"),
        Index("ix_meeting_actions_deadline_id", "deadline", "id"),
        Index("ix_meeting_actions_created_by_id_state_deadline_id", "created_by_id", "state", "deadline", "id"),
        Index("ix_meeting_actions_meeting_id_owner_id_created_by_id", "meeting_id", "owner_id", "created_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty for a task assigned outside a meeting (app/tasks/): action items are the tasks of one source.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_items.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(500))
    # Where the task came from: app.tasks.workflow.TaskSource ("meeting" for an action item), and a free text.
    source: Mapped[str] = mapped_column(String(20), default="meeting", server_default="meeting", index=True)
    source_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    details: Mapped[str] = mapped_column(Text, default="", server_default="")
    percent: Mapped[int | None]  # the last progress report's percentage, if it gave one
    # How many overdue steps the owner and assigner were reminded of (app/tasks/jobs.py), so each step once.
    overdue_step: Mapped[int] = mapped_column(default=0, server_default="0")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[date] = mapped_column(Date)
    acceptance: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20), default=ActionState.OPEN.value)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # the assigner
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column()
    # Set when `flask tick` told the owner the deadline passed, so they are told once, not every run.
    overdue_notified_at: Mapped[datetime | None]
    # The state when its meeting closed: the minutes print this, not the state it has moved on to.
    closed_state: Mapped[str | None] = mapped_column(String(20))

    item: Mapped[AgendaItem] = relationship(back_populates="actions")
    meeting: Mapped[Meeting] = relationship()
    department: Mapped[Department] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")
    assigner: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list["ActionEvent"]] = relationship(order_by="ActionEvent.id", cascade="all, delete-orphan")

    def is_overdue(self, today: date) -> bool:
        return self.state in (ActionState.OPEN, ActionState.STARTED) and self.deadline < today

    @property
    def state_enum(self) -> ActionState:
        return ActionState(self.state)

    @property
    def minutes_state(self) -> ActionState:
        """The state the minutes record: as it stood at the close, or the current one while the meeting is open."""
        return ActionState(self.closed_state or self.state)

    def weeks_open(self, today: date) -> int:
        return max(0, (today - self.created_at.date()).days // 7)


class ActionEvent(db.Model):
    """One step in an action item's history: who moved it, from which state to which, and their note."""
    __tablename__ = "meeting_action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("meeting_actions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(1000), default="")
    percent: Mapped[int | None]  # a progress report's optional percentage

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def to_state_enum(self) -> ActionState:
        return ActionState(self.to_state)


class FollowupChange(db.Model):
    """The revision of an open meeting at which one of its follow-up action items last changed.

    An action item from an earlier meeting is shown in the follow-up section of every later open
    meeting; each of those meetings counts its own revisions, hence one row per (meeting, action).
    """
    __tablename__ = "meeting_followup_changes"
    __table_args__ = (Index("ix_meeting_followup_changes_meeting_id_revision", "meeting_id", "revision"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("meeting_actions.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int]


class FollowupReview(db.Model):
    """An earlier meeting's action item as it stood when a meeting was closed (for that meeting's minutes)."""
    __tablename__ = "meeting_followups"
    __table_args__ = (UniqueConstraint("meeting_id", "action_id", name="uq_meeting_followups_meeting_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("meeting_actions.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))

    action: Mapped[ActionItem] = relationship(lazy="joined")
