"""Meetings and their agenda: scheduling, who may do what on the live screen, items, outcomes and order."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.auth.models import Department, User
from app.auth.roles import Role
from app.calendar.services import next_working_day
from app.errors import Conflict, Refused
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.rooms import holds
from app.timeutil import MAX_DAY, to_local, to_utc, utcnow
from app.workflow import allowed

from . import live, notices, series
from .models import AgendaItem, Meeting, MeetingSeries
from .workflow import MEETING_TRANSITIONS, ItemStatus, actors_of

DEFAULT_TIME = time(9, 0)


class MeetingError(Refused):
    """A rule was broken; the message is shown to the person who tried."""


class MeetingConflict(Conflict):
    """Someone else saved the item, or moved the action item, first; `current` is the record as they left it."""


@dataclass(frozen=True)
class Viewer:
    """What the signed-in person may do on a meeting's screen; templates ask this, never the roles."""
    user: User
    meeting: Meeting

    @cached_property
    def is_office(self) -> bool:
        # Kept for the viewer's life (one request): the live screen asks it for every agenda item (all 200 in
        # the grouped view), and each answer went through current_user and built the set of roles anew.
        return self.user.has_any_role(Role.OFFICE)

    @property
    def can_add(self) -> bool:
        """The office, or someone of a department: any liaison at the liaison meeting, a member at a group's."""
        if not self.meeting.is_open or not (self.is_office or self.user.department_id is not None):
            return False
        return self.is_office or not self.meeting.series.is_group or series.is_member(self.user, self.meeting.series)

    @property
    def answers_notice(self) -> bool:
        """A member of the meeting's series: a liaison at the liaison meeting, a named member at a group's."""
        return series.is_member(self.user, self.meeting.series)

    @property
    def can_run(self) -> bool:
        """Order, outcomes, assignments, attendance and status are the office's."""
        return self.meeting.is_open and self.is_office

    def owns(self, item: AgendaItem) -> bool:
        """The item is theirs to edit, open meeting or not: the office's, or their own department's."""
        return self.is_office or item.department_id == self.user.department_id

    def can_edit(self, item: AgendaItem) -> bool:
        return self.meeting.is_open and self.owns(item)

    def moves(self):
        return allowed(MEETING_TRANSITIONS, self.meeting.status, actors_of(self.user))


# --- scheduling -----------------------------------------------------------------------------------

def latest_meeting(series_id: int) -> Meeting | None:
    """The series' last meeting within the years the forms allow: one dated 9999 before they were bounded must
    not make next week's slot a date no calendar holds (it broke /meetings/ for every office user)."""
    last_day = datetime.combine(MAX_DAY, time.min)
    return db.session.scalar(select(Meeting).where(Meeting.starts_at < last_day, Meeting.series_id == series_id)
                             .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


def next_slot(after: Meeting | None = None, of: MeetingSeries | None = None) -> tuple[datetime, str]:
    """Same weekday, time and place as the series' last meeting, one week on (and not in the past); a week
    whose day is a holiday or a closure on the office's calendar meets on the next working day instead."""
    last = after or latest_meeting((of or series.liaison_series()).id)
    now_local = to_local(utcnow()).replace(tzinfo=None)
    if last is None:
        start = datetime.combine(now_local.date() + timedelta(days=7 - now_local.weekday()), DEFAULT_TIME)
        return _on_a_working_day(start), of.place if of is not None else ""
    start = to_local(last.starts_at).replace(tzinfo=None) + timedelta(days=7)
    while start < now_local:
        start += timedelta(days=7)
    return _on_a_working_day(start), last.place


def _on_a_working_day(start: datetime) -> datetime:
    return datetime.combine(next_working_day(start.date()), start.time())


def create_meeting(user: User, starts_local: datetime, place: str, of: MeetingSeries | None = None,
                   room_id: int | None = None) -> Meeting:
    """Schedule a meeting of the series (the liaison meeting by default), holding the room when one is chosen
    (SlotTaken, nothing saved, when someone holds it then), and tell the series' members."""
    of = of or series.liaison_series()
    meeting = Meeting(series=of, starts_at=to_utc(starts_local), place=place.strip(), created_by_id=user.id)
    db.session.add(meeting)
    db.session.flush()
    hold_room(meeting, user, room_id)
    notices.announce(meeting)
    db.session.commit()
    return meeting


def hold_room(meeting: Meeting, user: User, room_id: int | None) -> None:
    """Book (or move, or let go of) the meeting's room through the rooms' one clash check; a booked room is
    also the meeting's place, so notices and the calendar entry name it."""
    booking = holds.hold_for_meeting(meeting, user, room_id, notices.LENGTH)
    if booking is not None:
        meeting.place = booking.room.name[:120]


def room_of(meeting: Meeting) -> int:
    """The room the meeting holds (0: none, its place is free text)."""
    booking = holds.booking_of_meeting(meeting.id)
    return booking.room_id if booking is not None else 0


# --- the agenda -----------------------------------------------------------------------------------

CLOSED = _l("This meeting is closed; its minutes can only be corrected by an amendment.")


def require_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise MeetingError(CLOSED)


def bump_open(meeting_id: int, *, layout: bool = False) -> int:
    """The first write of every change to an open meeting's agenda: the new revision, taken with the meeting
    row's lock, so changes to one meeting follow one another (never a deadlock, never a lost write) and a
    close that got there first is refused rather than written over."""
    revision = live.bump(meeting_id, layout=layout, open_only=True)
    if revision is None:
        db.session.rollback()
        raise MeetingError(CLOSED)
    return revision


def _department_for(viewer: Viewer, department_id: int | None) -> int:
    if not viewer.is_office:
        return viewer.user.department_id
    if not department_id or db.session.get(Department, department_id) is None:
        raise MeetingError(_l("Choose the department that raises this item."))
    return department_id


def cleaned_item(data: dict) -> dict:
    """The item form's values as stored: text trimmed, "nobody in particular" (0) as no department."""
    data = dict(data)
    for name in ("title", "details"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if "addressed_to_id" in data:
        data["addressed_to_id"] = data["addressed_to_id"] or None
    return data


def add_item(viewer: Viewer, data: dict) -> AgendaItem:
    """Append an item to the agenda; a liaison's item is always their own department's."""
    meeting = viewer.meeting
    require_open(meeting)
    if not viewer.can_add:
        raise MeetingError(_l("Only the office and department liaisons add agenda items."))
    data = cleaned_item(data)
    department_id = _department_for(viewer, data.pop("department_id", None))
    # Not a layout change: open screens append the new item instead of redrawing the agenda.
    revision = bump_open(meeting.id)
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, department_id=department_id,
                      created_by_id=viewer.user.id, updated_by_id=viewer.user.id, revision=revision,
                      added_revision=revision, **data)
    db.session.add(item)
    db.session.commit()
    return item


def _compare_and_set(item: AgendaItem, counter, version: int, values: dict, layout: bool = False,
                     replaced_by: User | None = None) -> None:
    """Write only if nobody saved this form's part of the item (its `counter` column) since `version`
    was read; else raise MeetingConflict with theirs. `replaced_by`: the save knowingly replaces the version
    `version` (the "use my version" of a conflict), whose author is told."""
    replaced_author = item.updated_by_id
    revision = bump_open(item.meeting_id, layout=layout)
    result = db.session.execute(
        update(AgendaItem).where(AgendaItem.id == item.id, counter == version)
        .values({counter.key: counter + 1, "revision": revision, "updated_at": utcnow(), **values})
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.expire_all()
        raise MeetingConflict(current=db.session.get(AgendaItem, item.id))
    if replaced_by is not None and replaced_author not in (None, replaced_by.id):
        _tell_replaced(item, replaced_author, replaced_by)
    db.session.commit()
    db.session.expire_all()


def _tell_replaced(item: AgendaItem, author_id: int, by: User) -> None:
    """The person whose saved text was knowingly replaced after an edit conflict hears of it, with a link."""
    notify([db.session.get(User, author_id)],
           _l("%(name)s replaced your version of the agenda item “%(title)s” with theirs after an edit conflict.",
              name=by.name, title=item.title),
           link=path_for("meetings.detail", meeting_id=item.meeting_id) + f"#item-{item.id}",
           kind=Kind.GENERAL, commit=False)


def update_item(viewer: Viewer, item: AgendaItem, data: dict, version: int, overwriting: bool = False) -> None:
    """Save an edit made from an inline form that showed `version`, by someone who owns the item;
    `overwriting`: after a conflict, the person chose to replace the version shown to them.

    Who may edit is checked once, by the view (`Viewer.owns`, 403) before it reads the form; this
    checks what only the service knows: that the meeting is still open.
    """
    require_open(viewer.meeting)
    data = cleaned_item(data)
    department_id = data.pop("department_id", None)
    if viewer.is_office:
        data["department_id"] = _department_for(viewer, department_id)
    # In the grouped view an item that changes department moves to another group: redraw the agenda.
    moved = data.get("department_id", item.department_id) != item.department_id
    _compare_and_set(item, AgendaItem.version, version, {**data, "updated_by_id": viewer.user.id}, layout=moved,
                     replaced_by=viewer.user if overwriting else None)


def record_outcome(viewer: Viewer, item: AgendaItem, outcome: str, decision: str, status: str, version: int,
                   overwriting: bool = False) -> None:
    """Save the outcome form, which showed `version` of the item's outcome (not of its text); `overwriting` as
    in update_item."""
    require_open(viewer.meeting)
    status = ItemStatus.DISCUSSED if status == ItemStatus.DISCUSSED else ItemStatus.OPEN
    if status == ItemStatus.OPEN and item.actions:
        raise MeetingError(_l("This item has action items, so it was discussed; it cannot be marked "
                              "as not yet discussed."))
    _compare_and_set(item, AgendaItem.outcome_version, version,
                     {"outcome": outcome.strip(), "decision": decision.strip(), "status": status,
                      "updated_by_id": viewer.user.id}, replaced_by=viewer.user if overwriting else None)


def move_item(viewer: Viewer, item: AgendaItem, direction: str) -> None:
    """Swap the item with its neighbour; positions are renumbered so ties from parallel adds vanish."""
    require_open(viewer.meeting)
    # Not a layout change: only the items whose position changed go out, and every screen puts its list
    # back in order (static/meetings.js). Redrawing a 200-item agenda on 30 screens took seconds of CPU.
    # The order is read after the bump's lock, so two moves at once each start from the other's result.
    revision = bump_open(item.meeting_id)
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id)
                                    .order_by(AgendaItem.position, AgendaItem.id)
                                    .execution_options(populate_existing=True)))
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        db.session.rollback()
        return
    items[index], items[other] = items[other], items[index]
    swapped = (items[index], items[other])
    for position, each in enumerate(items, start=1):
        if each.position != position or each in swapped:
            each.position, each.revision = position, revision
    db.session.commit()
