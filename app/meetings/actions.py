"""Action items: handing them out, moving them through their states, follow-ups, the list and the card."""
from datetime import date, datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import Department, User
from app.auth.roles import Role
from app.auth.services import liaison_of, users_with_role
from app.extensions import db
from app.notifications import notify
from app.timeutil import to_local, to_utc, utcnow

from . import live
from .models import (ACCEPTED, CLOSED, DONE, ITEM_DISCUSSED, ITEM_OPEN, OPEN, STARTED, ActionEvent, ActionItem,
                     AgendaItem, FollowupReview, Meeting)
from .services import Conflict, MeetingError, Viewer
from .states import ACTION_MOVES, allowed

PAGE_SIZE = 30


def today() -> date:
    return to_local(utcnow()).date()


def owner_choices(with_actions_only: bool = False) -> list[tuple[int, str]]:
    """(id, "name · department") of people who can own an action item: active and in a department.

    Read as plain rows, not User objects: a company has thousands of people and this fills a <select>.
    """
    query = (select(User.id, User.name, Department).join(Department, User.department_id == Department.id)
             .where(User.active.is_(True)).order_by(Department.code, User.name))
    if with_actions_only:
        query = query.where(User.id.in_(select(ActionItem.owner_id).distinct()))
    return [(user_id, f"{name} · {department}") for user_id, name, department in db.session.execute(query)]


def add_action(viewer: Viewer, item: AgendaItem, *, task: str, owner_id: int, deadline: date,
               acceptance: str) -> ActionItem:
    """Hand out a task from an agenda item and tell the owner and their department's liaison.

    An item that got an action item was discussed, so it no longer moves on to the next meeting.
    """
    if not viewer.meeting.is_open:
        raise MeetingError(_l("This meeting is closed; its minutes can only be corrected by an amendment."))
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active:
        raise MeetingError(_l("Choose an owner."))
    if owner.department_id is None:
        raise MeetingError(_l("%(name)s belongs to no department; the owner must answer for a department.",
                              name=owner.name))
    if deadline < today():
        raise MeetingError(_l("The deadline cannot be in the past."))
    if not acceptance.strip():
        raise MeetingError(_l("Say how the office will check that the task is done."))
    action = ActionItem(item_id=item.id, meeting_id=item.meeting_id, task=task.strip(), department_id=owner.department_id,
                        owner_id=owner.id, deadline=deadline, acceptance=acceptance.strip(),
                        created_by_id=viewer.user.id)
    action.events.append(ActionEvent(user_id=viewer.user.id, to_state=OPEN))
    db.session.add(action)
    if item.status == ITEM_OPEN:
        item.status = ITEM_DISCUSSED
    item.revision = live.bump(item.meeting_id)
    live.announce_followup(_later_open_meetings(viewer.meeting))
    db.session.flush()
    notify([owner, liaison_of(owner.department_id)],
           _l("New action item for you from the liaison meeting: %(task)s (deadline %(deadline)s)",
              task=action.task, deadline=deadline.isoformat()),
           link=url_for("actions.detail", action_id=action.id), commit=False)
    db.session.commit()
    return action


def actors(user: User, action: ActionItem) -> set[str]:
    """Who `user` is with respect to this action item, in the words of the state table."""
    found = set()
    if user.has_any_role(Role.OFFICE):
        found.add("office")
    if action.owner_id == user.id:
        found.add("owner")
    if user.has_any_role(Role.LIAISON) and user.department_id == action.department_id:
        found.add("liaison")
    return found


def moves_for(user: User, action: ActionItem):
    return allowed(ACTION_MOVES, action.state, actors(user, action))


def make_move(user: User, action: ActionItem, move_name: str, note: str, version: int) -> None:
    """Move an action item by the state table; a note is required where the table says so."""
    move = ACTION_MOVES.get(move_name)
    if move is None or move not in moves_for(user, action):
        raise MeetingError(_l("This step is not possible now."))
    if move.note_required and not note.strip():
        raise MeetingError(_l("Write a short note for this step."))
    values = {"state": move.target, "updated_at": utcnow(), "version": ActionItem.version + 1,
              "accepted_at": utcnow() if move.target == ACCEPTED else None}
    result = db.session.execute(update(ActionItem).where(ActionItem.id == action.id, ActionItem.version == version)
                                .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.expire_all()
        raise Conflict(db.session.get(ActionItem, action.id))
    db.session.add(ActionEvent(action_id=action.id, user_id=user.id, from_state=action.state,
                               to_state=move.target, note=note.strip()))
    _announce(action)
    _notify_move(action, move.target, note)
    db.session.commit()
    db.session.expire_all()


def _announce(action: ActionItem) -> None:
    """Open screens showing this action item (its own meeting, later meetings' follow-ups) redraw it."""
    meeting = action.meeting
    if meeting.status != CLOSED:
        db.session.execute(update(AgendaItem).where(AgendaItem.id == action.item_id)
                           .values(revision=live.bump(meeting.id)).execution_options(synchronize_session=False))
    live.announce_followup(_later_open_meetings(meeting), action.id)


def _later_open_meetings(meeting: Meeting) -> list[int]:
    return list(db.session.scalars(select(Meeting.id).where(Meeting.status != CLOSED,
                                                            Meeting.starts_at > meeting.starts_at)))


def _notify_move(action: ActionItem, target: str, note: str) -> None:
    link = url_for("actions.detail", action_id=action.id)
    if target == DONE:
        notify(users_with_role(Role.OFFICE), _l("Action item reported done, please check it: %(task)s",
                                                task=action.task), link=link, commit=False)
    elif target == STARTED and action.state == DONE:
        notify([action.owner, liaison_of(action.department_id)],
               _l("The office sent an action item back: %(task)s — %(reason)s", task=action.task, reason=note),
               link=link, commit=False)
    elif target == ACCEPTED:
        notify([action.owner, liaison_of(action.department_id)],
               _l("The office accepted your action item as done: %(task)s", task=action.task),
               link=link, commit=False)


def _with_details(query, history: bool = True):
    options = [joinedload(ActionItem.item), joinedload(ActionItem.meeting)]
    # The follow-up section lists hundreds of rows; each row's history loads when opened.
    return query.options(*options, selectinload(ActionItem.events)) if history else query.options(*options)


def by_ids(action_ids) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.id.in_(action_ids))
    return list(db.session.scalars(_with_details(query, history=False)).unique())


def followups(meeting: Meeting) -> list[ActionItem]:
    """Every action item from earlier meetings not yet accepted; for a closed meeting, as it was reviewed."""
    if meeting.status == CLOSED:
        query = (select(ActionItem).join(FollowupReview, FollowupReview.action_id == ActionItem.id)
                 .where(FollowupReview.meeting_id == meeting.id))
    else:
        query = (select(ActionItem).join(Meeting, ActionItem.meeting_id == Meeting.id)
                 .where(ActionItem.state != ACCEPTED, Meeting.starts_at < meeting.starts_at))
    return list(db.session.scalars(_with_details(query, history=False).order_by(ActionItem.deadline, ActionItem.id))
                .unique())


def visible(user: User):
    """Office and liaisons see every action item; anyone else only those they own."""
    query = select(ActionItem)
    if not user.has_any_role(Role.OFFICE, Role.LIAISON):
        query = query.where(ActionItem.owner_id == user.id)
    return query


def get_visible(user: User, action_id: int) -> ActionItem | None:
    return db.session.scalar(_with_details(visible(user).where(ActionItem.id == action_id)))


def search(user: User, *, department_id=None, owner_id=None, state="", overdue=False, page=1):
    query = visible(user)
    if department_id:
        query = query.where(ActionItem.department_id == department_id)
    if owner_id:
        query = query.where(ActionItem.owner_id == owner_id)
    if state in (OPEN, STARTED, DONE, ACCEPTED):
        query = query.where(ActionItem.state == state)
    if overdue:
        query = query.where(ActionItem.state.in_((OPEN, STARTED)), ActionItem.deadline < today())
    order = [ActionItem.deadline, ActionItem.id]
    if user.department_id and user.has_any_role(Role.LIAISON):
        order.insert(0, case((ActionItem.department_id == user.department_id, 0), else_=1))
    query = query.options(joinedload(ActionItem.item), joinedload(ActionItem.meeting)).order_by(*order)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def department_stats() -> list[dict]:
    """Open, overdue and accepted-this-month counts per department, for the dashboard card."""
    now_local = to_local(utcnow())
    month_start = to_utc(datetime(now_local.year, now_local.month, 1))
    open_ = func.sum(case((ActionItem.state != ACCEPTED, 1), else_=0))
    overdue = func.sum(case(((ActionItem.state.in_((OPEN, STARTED))) & (ActionItem.deadline < today()), 1), else_=0))
    accepted = func.sum(case((ActionItem.accepted_at >= month_start, 1), else_=0))
    rows = db.session.execute(select(Department, open_, overdue, accepted)
                              .join(ActionItem, ActionItem.department_id == Department.id)
                              .group_by(Department.id).order_by(Department.code))
    return [{"department": d, "open": o or 0, "overdue": od or 0, "accepted": a or 0} for d, o, od, a in rows
            if o or a]


def remind_overdue() -> str:
    """For `flask tick`: tell owner and liaison once when an action item's deadline has passed."""
    due = list(db.session.scalars(select(ActionItem).where(
        ActionItem.state.in_((OPEN, STARTED)), ActionItem.deadline < today(),
        ActionItem.overdue_notified_at.is_(None))))
    for action in due:
        notify([action.owner, liaison_of(action.department_id)],
               _l("Action item overdue since %(deadline)s: %(task)s", deadline=action.deadline.isoformat(),
                  task=action.task),
               link=url_for("actions.detail", action_id=action.id), commit=False)
        action.overdue_notified_at = utcnow()
    db.session.commit()
    return f"{len(due)} overdue action item(s) reminded"
