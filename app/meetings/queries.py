"""Read-only lists for the meeting pages, the action-item list and the card; nothing here writes."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, lazyload, load_only, selectinload

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import to_local, to_utc, today, utcnow

from .models import ActionItem, AgendaItem, Amendment, FollowupReview, Meeting, MeetingSeries
from .series import seen_by
from .workflow import ActionState, MeetingStatus

PAST_PAGE_SIZE = 20
# The live screen's first load draws this many agenda items and follow-ups; the rest come on demand
# (issue 18: a 200-item agenda with 500 follow-ups was 92 KB on the first load, now under 60 KB).
AGENDA_FIRST = 40
FOLLOWUPS_FIRST = 20
ACTIONS_PAGE_SIZE = 30
_WORKING = (ActionState.OPEN, ActionState.STARTED)
# A person named on a row (an action's owner): the name only, not their department and roles, which the
# model loads with every user (a 500-row list spent most of its time building those).
_NAME_ONLY = (load_only(User.id, User.name), lazyload(User.department), lazyload(User.role_rows))


# --- meetings and their agenda --------------------------------------------------------------------

def upcoming(series_ids=None) -> list[Meeting]:
    """Meetings not closed yet, of the series given (every series when None)."""
    query = select(Meeting).where(Meeting.status != MeetingStatus.CLOSED)
    if series_ids is not None:
        query = query.where(Meeting.series_id.in_(list(series_ids)))
    return list(db.session.scalars(query.order_by(Meeting.starts_at)))


def past(page: int, series_ids=None):
    query = select(Meeting).where(Meeting.status == MeetingStatus.CLOSED).order_by(Meeting.starts_at.desc())
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


def agenda(meeting: Meeting, limit: int | None = None) -> list[AgendaItem]:
    """The meeting's items in agenda order (every one, or the first `limit`), with their action items, in a
    fixed number of queries."""
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        # Who last edited an item shows only in an edit conflict, which loads the item on its own.
        .options(lazyload(AgendaItem.updated_by),
                 selectinload(AgendaItem.actions).joinedload(ActionItem.owner).options(*_NAME_ONLY))
        .order_by(AgendaItem.position, AgendaItem.id).limit(limit)).unique())


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


def amendments(meeting: Meeting) -> list[Amendment]:
    return list(db.session.scalars(select(Amendment).where(Amendment.meeting_id == meeting.id)
                                   .order_by(Amendment.created_at)))


# --- action items ---------------------------------------------------------------------------------

def owner_choices(with_actions_only: bool = False) -> list[tuple[int, str]]:
    """(id, "name · department") of people who can own an action item: active and in a department.

    Read as plain rows, not User objects: a company has thousands of people and this fills a <select>.
    """
    query = (select(User.id, User.name, Department).join(Department, User.department_id == Department.id)
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


def followups(meeting: Meeting, limit: int | None = None) -> list[ActionItem]:
    """Every action item from the series' earlier meetings not yet accepted (the first `limit` by deadline);
    for a closed meeting, as it was reviewed. Loaded with what a follow-up row shows: owner's name, the
    source meeting's date."""
    query = _followups_query(meeting).options(*_ROW_OPTIONS).order_by(ActionItem.deadline, ActionItem.id)
    return list(db.session.scalars(query.limit(limit)).unique())


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
    return select(ActionItem).where(mine | ActionItem.meeting_id.is_(None) | ActionItem.meeting_id.in_(meetings_seen))


def get_visible(user: User, action_id: int) -> ActionItem | None:
    return db.session.scalar(_with_details(visible(user).where(ActionItem.id == action_id)))


def search(user: User, *, department_id=None, owner_id=None, state="", overdue=False, page=1, source=""):
    """The /actions/ and /tasks/ list with its filters; a liaison's own department comes first."""
    query = visible(user)
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
    order = [ActionItem.deadline, ActionItem.id]
    if user.department_id and user.has_any_role(Role.LIAISON):
        order.insert(0, case((ActionItem.department_id == user.department_id, 0), else_=1))
    query = query.options(*_ROW_OPTIONS).order_by(*order)
    return db.paginate(query, page=page, per_page=ACTIONS_PAGE_SIZE, error_out=False)


def department_stats() -> list[dict]:
    """Open, overdue and accepted-this-month counts per department, for the dashboard card."""
    now_local = to_local(utcnow())
    month_start = to_utc(datetime(now_local.year, now_local.month, 1))
    open_ = func.sum(case((ActionItem.state != ActionState.ACCEPTED, 1), else_=0))
    overdue = func.sum(case((ActionItem.state.in_(_WORKING) & (ActionItem.deadline < today()), 1), else_=0))
    accepted = func.sum(case((ActionItem.accepted_at >= month_start, 1), else_=0))
    rows = db.session.execute(select(Department, open_, overdue, accepted)
                              .join(ActionItem, ActionItem.department_id == Department.id)
                              .group_by(Department.id).order_by(Department.code))
    return [{"department": d, "open": o or 0, "overdue": od or 0, "accepted": a or 0} for d, o, od, a in rows
            if o or a]
