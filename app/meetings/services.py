"""Meetings and their agenda: scheduling, items with their permissions, ordering and time budget."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import to_local, to_utc, utcnow

from . import live
from .models import CLOSED, ITEM_DISCUSSED, ITEM_OPEN, AgendaItem, Meeting
from .states import MEETING_MOVES, allowed

PAST_PAGE_SIZE = 20
DEFAULT_TIME = time(9, 0)


class MeetingError(ValueError):
    """A rule was broken; the message is shown to the person who tried."""


class Conflict(Exception):
    """Someone else saved the record first; `current` is what they saved."""

    def __init__(self, current):
        super().__init__("version conflict")
        self.current = current


@dataclass(frozen=True)
class Viewer:
    """What the signed-in person may do on a meeting's screen; templates ask this, never the roles."""
    user: User
    meeting: Meeting

    @property
    def is_office(self) -> bool:
        return self.user.has_any_role(Role.OFFICE)

    @property
    def can_add(self) -> bool:
        return self.meeting.is_open and (self.is_office or self.user.department_id is not None)

    @property
    def can_run(self) -> bool:
        """Order, outcomes, assignments, attendance and status are the office's."""
        return self.meeting.is_open and self.is_office

    def can_edit(self, item: AgendaItem) -> bool:
        return self.meeting.is_open and (self.is_office or item.department_id == self.user.department_id)

    def moves(self):
        return allowed(MEETING_MOVES, self.meeting.status, {"office"} if self.is_office else set())


def may_attend(user: User) -> bool:
    return user.has_any_role(Role.OFFICE) or (user.has_any_role(Role.LIAISON) and user.department_id is not None)


# --- scheduling -----------------------------------------------------------------------------------

def latest_meeting() -> Meeting | None:
    return db.session.scalar(select(Meeting).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


def next_slot(after: Meeting | None = None) -> tuple[datetime, str]:
    """Same weekday, time and place as the last meeting, one week on (and not in the past)."""
    last = after or latest_meeting()
    now_local = to_local(utcnow()).replace(tzinfo=None)
    if last is None:
        start = datetime.combine(now_local.date() + timedelta(days=7 - now_local.weekday()), DEFAULT_TIME)
        return start, ""
    start = to_local(last.starts_at).replace(tzinfo=None) + timedelta(days=7)
    while start < now_local:
        start += timedelta(days=7)
    return start, last.place


def create_meeting(user: User, starts_local: datetime, place: str) -> Meeting:
    meeting = Meeting(starts_at=to_utc(starts_local), place=place.strip(), created_by_id=user.id)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def upcoming() -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.status != CLOSED).order_by(Meeting.starts_at)))


def past(page: int):
    query = select(Meeting).where(Meeting.status == CLOSED).order_by(Meeting.starts_at.desc())
    return db.paginate(query, page=page, per_page=PAST_PAGE_SIZE, error_out=False)


def item_counts(meetings) -> dict[int, int]:
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.execute(select(AgendaItem.meeting_id, func.count()).where(AgendaItem.meeting_id.in_(ids))
                              .group_by(AgendaItem.meeting_id))
    return dict(rows.all())


# --- the agenda -----------------------------------------------------------------------------------

def agenda(meeting: Meeting) -> list[AgendaItem]:
    """Every item of the meeting in agenda order, with its action items, in a fixed number of queries."""
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .options(selectinload(AgendaItem.actions))
        .order_by(AgendaItem.position, AgendaItem.id)).unique())


@dataclass(frozen=True)
class Budget:
    """How many items the agenda has, their total time budget, and the minutes per raising department."""
    count: int
    minutes: int
    by_department: dict[int, int]

    @classmethod
    def of(cls, items: list[AgendaItem]) -> "Budget":
        by_department: dict[int, int] = {}
        for item in items:
            by_department[item.department_id] = by_department.get(item.department_id, 0) + (item.minutes_budget or 0)
        return cls(len(items), sum(by_department.values()), by_department)


def budget(meeting: Meeting) -> Budget:
    """The agenda's totals in one aggregate query, for refreshing them after a change without the items."""
    rows = db.session.execute(select(AgendaItem.department_id, func.count(),
                                     func.coalesce(func.sum(AgendaItem.minutes_budget), 0))
                              .where(AgendaItem.meeting_id == meeting.id).group_by(AgendaItem.department_id)).all()
    return Budget(sum(count for _, count, _ in rows), sum(minutes for *_, minutes in rows),
                  {department_id: minutes for department_id, _, minutes in rows})


def grouped(items: list[AgendaItem]) -> list[tuple[Department, list[AgendaItem], int]]:
    """Items grouped by the department that raised them (in order of first appearance), with minutes per group."""
    groups: dict[int, tuple] = {}
    for item in items:
        groups.setdefault(item.department_id, (item.department, []))[1].append(item)
    return [(d, members, sum(i.minutes_budget or 0 for i in members)) for d, members in groups.values()]


def require_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise MeetingError(_l("This meeting is closed; its minutes can only be corrected by an amendment."))


def _department_for(viewer: Viewer, department_id: int | None) -> int:
    if not viewer.is_office:
        return viewer.user.department_id
    if not department_id or db.session.get(Department, department_id) is None:
        raise MeetingError(_l("Choose the department that raises this item."))
    return department_id


def add_item(viewer: Viewer, data: dict) -> AgendaItem:
    """Append an item to the agenda; a liaison's item is always their own department's."""
    meeting = viewer.meeting
    require_open(meeting)
    if not viewer.can_add:
        raise MeetingError(_l("Only the office and department liaisons add agenda items."))
    department_id = _department_for(viewer, data.pop("department_id", None))
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    # Not a layout change: open screens append the new item instead of redrawing the agenda.
    revision = live.bump(meeting.id)
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, department_id=department_id,
                      created_by_id=viewer.user.id, updated_by_id=viewer.user.id, revision=revision,
                      added_revision=revision, **data)
    db.session.add(item)
    db.session.commit()
    return item


def _compare_and_set(item: AgendaItem, counter, version: int, values: dict, layout: bool = False) -> None:
    """Write only if nobody saved this form's part of the item (its `counter` column) since `version`
    was read; else raise Conflict with theirs."""
    revision = live.bump(item.meeting_id, layout=layout)
    result = db.session.execute(
        update(AgendaItem).where(AgendaItem.id == item.id, counter == version)
        .values({counter.key: counter + 1, "revision": revision, "updated_at": utcnow(), **values})
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.expire_all()
        raise Conflict(db.session.get(AgendaItem, item.id))
    db.session.commit()
    db.session.expire_all()


def update_item(viewer: Viewer, item: AgendaItem, data: dict, version: int) -> None:
    """Save an edit made from an inline form that showed `version`."""
    require_open(viewer.meeting)
    if not viewer.can_edit(item):
        raise PermissionError
    department_id = data.pop("department_id", None)
    if viewer.is_office:
        data["department_id"] = _department_for(viewer, department_id)
    # In the grouped view an item that changes department moves to another group: redraw the agenda.
    moved = data.get("department_id", item.department_id) != item.department_id
    _compare_and_set(item, AgendaItem.version, version, {**data, "updated_by_id": viewer.user.id}, layout=moved)


def record_outcome(viewer: Viewer, item: AgendaItem, outcome: str, decision: str, status: str, version: int) -> None:
    """Save the outcome form, which showed `version` of the item's outcome (not of its text)."""
    require_open(viewer.meeting)
    status = ITEM_DISCUSSED if status == ITEM_DISCUSSED else ITEM_OPEN
    if status == ITEM_OPEN and item.actions:
        raise MeetingError(_l("This item has action items, so it was discussed; it cannot be marked "
                              "as not yet discussed."))
    _compare_and_set(item, AgendaItem.outcome_version, version,
                     {"outcome": outcome.strip(), "decision": decision.strip(), "status": status,
                      "updated_by_id": viewer.user.id})


def move_item(viewer: Viewer, item: AgendaItem, direction: str) -> None:
    """Swap the item with its neighbour; positions are renumbered so ties from parallel adds vanish."""
    require_open(viewer.meeting)
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id)
                                    .order_by(AgendaItem.position, AgendaItem.id)))
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    # Not a layout change: only the items whose position changed go out, and every screen puts its list
    # back in order (static/meetings.js). Redrawing a 200-item agenda on 30 screens took seconds of CPU.
    revision = live.bump(item.meeting_id)
    swapped = (items[index], items[other])
    for position, each in enumerate(items, start=1):
        if each.position != position or each in swapped:
            each.position, each.revision = position, revision
    db.session.commit()
