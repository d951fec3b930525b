"""Read-only lists for the meeting pages, the action-item list and the card; nothing here writes."""
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy import and_, case, func, not_, select, tuple_
from sqlalchemy.orm import joinedload, lazyload, load_only, selectinload

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.i18n import current_locale_code
from app.paging import SelectPage
from app.timeutil import to_local, to_utc, today, utcnow

from .models import ActionItem, AgendaItem, Amendment, FollowupReview, Meeting, MeetingSeries
from .series import seen_by
from .workflow import ActionState, MeetingStatus

PAST_PAGE_SIZE = 20
# The live screen's first load draws this many agenda items and follow-ups; the rest come on demand
# (issue 18: a 200-item agenda with 500 follow-ups was 92 KB on the first load, now under 60 KB), a page at a
# time (issue 12: "show all" drew 200 items or 500 rows in one answer).
AGENDA_FIRST = 40
AGENDA_MORE = 40
FOLLOWUPS_FIRST = 20
FOLLOWUPS_MORE = 30
ACTIONS_PAGE_SIZE = 30
_WORKING = (ActionState.OPEN, ActionState.STARTED)
_UNACCEPTED = (*_WORKING, ActionState.DONE)
# A person named on a row (an action's owner): the name only, not their department and roles, which the
# model loads with every user (a 500-row list spent most of its time building those).
_NAME_ONLY = (load_only(User.id, User.name), lazyload(User.department), lazyload(User.role_rows))


# --- meetings and their agenda --------------------------------------------------------------------

# A meeting list's row shows the meeting's series, not who closed it: the closer (joined with every meeting,
# with their department and a statement for their roles) is left to be loaded if ever asked for.
_LISTED = (lazyload(Meeting.closed_by),)


def upcoming(series_ids=None) -> list[Meeting]:
    """Meetings not closed yet, of the series given (every series when None)."""
    query = select(Meeting).options(*_LISTED).where(Meeting.status != MeetingStatus.CLOSED)
    if series_ids is not None:
        query = query.where(Meeting.series_id.in_(list(series_ids)))
    return list(db.session.scalars(query.order_by(Meeting.starts_at)))


def past(page: int, series_ids=None):
    query = (select(Meeting).options(*_LISTED).where(Meeting.status == MeetingStatus.CLOSED)
             .order_by(Meeting.starts_at.desc()))
    if series_ids is not None:
        query = query.where(Meeting.series_id.in_(list(series_ids)))
    return db.paginate(query, page=page, per_page=PAST_PAGE_SIZE, error_out=False)


def item_counts(meetings) -> dict[int, int]:
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.execute(select(AgendaItem.meeting_id, func.count()).where(AgendaItem.meeting_id.in_(ids))
                              .group_by(AgendaItem.meeting_id))
    return dict(rows.all())


def _agenda_query(meeting: Meeting):
    return (select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            # Who last edited an item shows only in an edit conflict, which loads the item on its own.
            .options(lazyload(AgendaItem.updated_by),
                     selectinload(AgendaItem.actions).joinedload(ActionItem.owner).options(*_NAME_ONLY))
            .order_by(AgendaItem.position, AgendaItem.id))


def agenda(meeting: Meeting, limit: int | None = None, upto: int | None = None) -> list[AgendaItem]:
    """The meeting's items in agenda order (every one, or the first `limit`), with their action items, in a
    fixed number of queries. With `upto`, only the items added up to that revision: a screen drawn at
    revision `upto` gets later ones from its next poll, which appends them, so an item added while the screen
    was being drawn must not be drawn too (it was, twice, on a live screen that had just been redrawn)."""
    query = _agenda_query(meeting)
    if upto is not None:
        query = query.where(AgendaItem.added_revision <= upto)
    return list(db.session.scalars(query.limit(limit)).unique())


@dataclass(frozen=True)
class AgendaCursor:
    """Where a screen's drawn agenda ends: after the item at (position, item_id), `shown` items drawn, counting
    only items added up to `revision` (later ones reach that screen through its poll, which appends them)."""
    position: int
    item_id: int
    shown: int
    revision: int

    def after(self, items: list[AgendaItem]) -> "AgendaCursor":
        last = items[-1]
        return AgendaCursor(last.position, last.id, self.shown + len(items), self.revision)

    def as_args(self) -> dict:
        return {"position": self.position, "after": self.item_id, "shown": self.shown, "upto": self.revision}


def agenda_after(meeting: Meeting, cursor: AgendaCursor, limit: int) -> list[AgendaItem]:
    """The next `limit` items after `cursor` in agenda order, read from the (meeting_id, position) index."""
    query = _agenda_query(meeting).where(
        tuple_(AgendaItem.position, AgendaItem.id) > tuple_(cursor.position, cursor.item_id),
        AgendaItem.added_revision <= cursor.revision)
    return list(db.session.scalars(query.limit(limit)).unique())


def agenda_total(meeting: Meeting, revision: int) -> int:
    """How many items the agenda had at `revision` (and still has)."""
    return db.session.scalar(select(func.count()).where(AgendaItem.meeting_id == meeting.id,
                                                         AgendaItem.added_revision <= revision))


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


def minutes_items(meeting: Meeting) -> list:
    """What the minutes print of each agenda item, in agenda order, as plain rows: id, title, kind,
    department_id, addressed_to_id, status, details, outcome, decision. The agenda's objects (with their
    departments, action items and owners) cost three times as much to load for a 200-item meeting."""
    return db.session.execute(
        select(AgendaItem.id, AgendaItem.title, AgendaItem.kind, AgendaItem.department_id, AgendaItem.addressed_to_id,
               AgendaItem.status, AgendaItem.details, AgendaItem.outcome, AgendaItem.decision)
        .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)).all()


def minutes_actions(meeting: Meeting) -> list:
    """The action items assigned at the meeting as the minutes print them, in each item's order (by id), as
    plain rows: id, item_id, task, owner (the name), department_id, deadline, acceptance, state, closed_state."""
    return db.session.execute(
        select(ActionItem.id, ActionItem.item_id, ActionItem.task, User.name.label("owner"), ActionItem.department_id,
               ActionItem.deadline, ActionItem.acceptance, ActionItem.state, ActionItem.closed_state)
        .join(AgendaItem, AgendaItem.id == ActionItem.item_id).join(User, User.id == ActionItem.owner_id)
        .where(AgendaItem.meeting_id == meeting.id).order_by(ActionItem.id)).all()


def amendments(meeting: Meeting) -> list[Amendment]:
    return list(db.session.scalars(select(Amendment).where(Amendment.meeting_id == meeting.id)
                                   .order_by(Amendment.created_at)))


# --- action items ---------------------------------------------------------------------------------

def _department_name():
    """The department's name column in the reader's language, as Department's str() picks it."""
    return Department.name_zh if current_locale_code() == "zh_CN" else Department.name_en


def owner_choices(with_actions_only: bool = False) -> list[tuple[int, str]]:
    """(id, "name · department") of people who can own an action item: active and in a department.

    Read as plain columns, the department's name in the reader's language among them, not User or
    Department objects: a company has thousands of people and this fills a <select> on every first view
    of the action and task lists (300 owners there cost more than the rest of the page).
    """
    query = (select(User.id, User.name, _department_name()).join(Department, User.department_id == Department.id)
             .where(User.active.is_(True)).order_by(Department.code, User.name))
    if with_actions_only:
        query = query.where(User.id.in_(select(ActionItem.owner_id).distinct()))
    return [(user_id, f"{name} · {department}") for user_id, name, department in db.session.execute(query)]


# What an action item's row shows (follow-ups, the action and task lists): the owner's name and the date of
# the meeting it came from; not the agenda item, which the row doesn't show.
_ROW_OPTIONS = (joinedload(ActionItem.owner).options(*_NAME_ONLY),
                joinedload(ActionItem.meeting).options(load_only(Meeting.starts_at), lazyload(Meeting.closed_by)))


def _with_details(query, history: bool = True):
    options = [joinedload(ActionItem.item), joinedload(ActionItem.meeting)]
    # The follow-up section lists hundreds of rows; each row's history loads when opened.
    return query.options(*options, selectinload(ActionItem.events)) if history else query.options(*options)


def by_ids(action_ids) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.id.in_(action_ids))
    return list(db.session.scalars(_with_details(query, history=False)).unique())


def _followups_query(meeting: Meeting):
    if meeting.status == MeetingStatus.CLOSED:
        return (select(ActionItem).join(FollowupReview, FollowupReview.action_id == ActionItem.id)
                .where(FollowupReview.meeting_id == meeting.id))
    return (select(ActionItem).join(Meeting, ActionItem.meeting_id == Meeting.id)
            .where(ActionItem.state != ActionState.ACCEPTED, Meeting.starts_at < meeting.starts_at,
                   Meeting.series_id == meeting.series_id))


def followups(meeting: Meeting, limit: int | None = None, after: tuple | None = None) -> list[ActionItem]:
    """Every action item from the series' earlier meetings not yet accepted (the first `limit` by deadline,
    those after the row (deadline, id) `after` when given); for a closed meeting, as it was reviewed. Loaded
    with what a follow-up row shows: owner's name, the source meeting's date."""
    query = _followups_query(meeting).options(*_ROW_OPTIONS).order_by(ActionItem.deadline, ActionItem.id)
    if after is not None:
        query = query.where(tuple_(ActionItem.deadline, ActionItem.id) > tuple_(*after))
    return list(db.session.scalars(query.limit(limit)).unique())


def followup_rows(meeting: Meeting) -> list:
    """What the minutes print of every follow-up (`followups`' rows, in its order), as plain rows: id, task,
    owner (the name), department_id, deadline, acceptance, state. A busy series has 500 of them."""
    query = (_followups_query(meeting).join(User, User.id == ActionItem.owner_id)
             .with_only_columns(ActionItem.id, ActionItem.task, User.name.label("owner"), ActionItem.department_id,
                                ActionItem.deadline, ActionItem.acceptance, ActionItem.state)
             .order_by(ActionItem.deadline, ActionItem.id))
    return db.session.execute(query).all()


def followup_count(meeting: Meeting) -> int:
    """How many follow-ups `followups` would list, counted in the database (the screen draws the first ones)."""
    query = _followups_query(meeting).with_only_columns(func.count(ActionItem.id)).order_by(None)
    return db.session.scalar(query)


def visible(user: User):
    """The office sees every action item and task. A liaison sees every task and the action items of the
    meetings they may see (a group's meeting is its members'). Anyone else (a leader too) sees those
    they own or assigned, as does everyone."""
    if user.has_any_role(Role.OFFICE):
        return select(ActionItem)
    mine = (ActionItem.owner_id == user.id) | (ActionItem.created_by_id == user.id)
    if not user.has_any_role(Role.LIAISON):
        return select(ActionItem).where(mine)
    meetings_seen = select(Meeting.id).join(MeetingSeries, MeetingSeries.id == Meeting.series_id).where(seen_by(user))
    # Written as "not hidden" rather than "mine, a task, or from a meeting seen": SQLite answers that OR by
    # merging four index lookups (every row, as a liaison sees nearly all) and sorting them, where this form
    # lets the list walk its order's index and stop after one page.
    hidden = and_(ActionItem.meeting_id.is_not(None), ActionItem.meeting_id.not_in(meetings_seen),
                  ActionItem.owner_id != user.id, ActionItem.created_by_id.is_distinct_from(user.id))
    return select(ActionItem).where(not_(hidden))


def get_visible(user: User, action_id: int) -> ActionItem | None:
    return db.session.scalar(_with_details(visible(user).where(ActionItem.id == action_id)))


def search(user: User, *, department_id=None, owner_id=None, state="", overdue=False, page=1, source=""):
    """The /actions/ and /tasks/ list with its filters, by deadline; a liaison's own department comes first.

    The page is found as ids first (the filters and the order read the table's indexes, and stop after a
    page), then only its 30 rows are loaded with what a row shows."""
    query = visible(user).with_only_columns(ActionItem.id)
    if source:
        query = query.where(ActionItem.source == source)
    if department_id:
        query = query.where(ActionItem.department_id == department_id)
    if owner_id:
        query = query.where(ActionItem.owner_id == owner_id)
    if ActionState.of(state) is not None:
        query = query.where(ActionItem.state == state)
    if overdue:
        query = query.where(ActionItem.state.in_(_WORKING), ActionItem.deadline < today())
    paging = SelectPage
    if user.department_id and user.has_any_role(Role.LIAISON):
        paging = partial(_OwnDepartmentFirst, department_id=user.department_id)
    found = paging(select=query.order_by(ActionItem.deadline, ActionItem.id), session=db.session(), page=page,
                   per_page=ACTIONS_PAGE_SIZE, max_per_page=None, error_out=False)
    found.items = list_rows(found.items)
    return found


class _OwnDepartmentFirst(SelectPage):
    """A page of ids with one department's first, each part in the select's order. Read as two index walks,
    each stopping after the rows up to this page: one ORDER BY putting the department first can use no
    index, so it sorted every row the reader may see (a liaison sees nearly all) on every view."""

    def _query_items(self) -> list:
        select_, department_id = self._query_args["select"], self._query_args["department_id"]
        start, end = self._query_offset, self._query_offset + self.per_page
        own = db.session.scalars(select_.where(ActionItem.department_id == department_id).limit(end)).all()
        if len(own) >= end:
            return own[start:end]
        # All of the department's rows are read (fewer than `end`): the rest begin where they end.
        rest = select_.where(ActionItem.department_id != department_id).offset(max(0, start - len(own)))
        return [*own[start:], *db.session.scalars(rest.limit(end - max(start, len(own))))]


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action item or task as a list row draws it (meetings/_action_rows.html, tasks/_group.html), read as
    plain columns: a page of ActionItem objects with their owner, meeting and department cost more to load
    than the rows cost to draw."""
    id: int
    task: str
    department: str  # its name in the reader's language
    owner_name: str
    deadline: date
    state: str
    percent: int | None
    meeting_starts_at: datetime | None  # None for a task assigned outside a meeting
    source: str
    source_note: str

    # The model's own rules, so that a row and the action item's page never disagree.
    is_overdue = ActionItem.is_overdue
    state_enum = ActionItem.state_enum


def list_rows(ids: list[int]) -> list[ActionRow]:
    """The rows of the action items `ids`, in that order, in one query."""
    if not ids:
        return []
    rows = db.session.execute(
        select(ActionItem.id, ActionItem.task, _department_name(), User.name, ActionItem.deadline, ActionItem.state,
               ActionItem.percent, Meeting.starts_at, ActionItem.source, ActionItem.source_note)
        .join(Department, Department.id == ActionItem.department_id).join(User, User.id == ActionItem.owner_id)
        .outerjoin(Meeting, Meeting.id == ActionItem.meeting_id).where(ActionItem.id.in_(ids)))
    by_id = {row[0]: ActionRow(*row) for row in rows}
    return [by_id[action_id] for action_id in ids]


def department_stats() -> list[dict]:
    """Open, overdue and accepted-this-month counts per department, for the dashboard card. Two counts,
    each read from an index alone (migration 0034): the unaccepted items by state and department, and
    the month's acceptances; a year of accepted items is never walked."""
    now_local = to_local(utcnow())
    month_start = to_utc(datetime(now_local.year, now_local.month, 1))
    overdue = func.count(case((ActionItem.state.in_(_WORKING) & (ActionItem.deadline < today()), 1)))
    open_ = {department: (count, late) for department, count, late in db.session.execute(
        select(ActionItem.department_id, func.count(), overdue)
        .where(ActionItem.state.in_(_UNACCEPTED)).group_by(ActionItem.department_id))}
    # Grouped by an expression: by the bare column, SQLite walks the whole department index to skip a sort.
    department = (ActionItem.department_id + 0).label("department_id")
    accepted = dict(db.session.execute(
        select(department, func.count()).where(ActionItem.accepted_at >= month_start).group_by(department)).all())
    departments = db.session.scalars(select(Department).where(Department.id.in_({*open_, *accepted}))
                                     .order_by(Department.code))
    return [{"department": d, "open": open_.get(d.id, (0, 0))[0], "overdue": open_.get(d.id, (0, 0))[1],
             "accepted": accepted.get(d.id, 0)} for d in departments]
