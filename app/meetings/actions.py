"""Action items: handing them out at a meeting and moving them through their states, telling who needs to know."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import liaison_of, users_with_role
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.timeutil import today, utcnow

from . import live
from .models import ActionEvent, ActionItem, AgendaItem, Meeting
from .services import MeetingConflict, MeetingError, Viewer, bump_open, require_open
from .workflow import ACTION_TRANSITIONS, ActionState, ItemStatus, MeetingStatus, moves_for


def add_action(viewer: Viewer, item: AgendaItem, *, task: str, owner_id: int, deadline: date,
               acceptance: str) -> ActionItem:
    """Hand out a task from an agenda item and tell the owner and their department's liaison.

    An item that got an action item was discussed, so it no longer moves on to the next meeting.
    """
    require_open(viewer.meeting)
    owner = _check_action(owner_id, deadline, acceptance)
    revision = bump_open(item.meeting_id)  # the meeting's lock before the item's, as every agenda change
    action = ActionItem(item_id=item.id, meeting_id=item.meeting_id, task=task.strip(),
                        department_id=owner.department_id, owner_id=owner.id, deadline=deadline,
                        acceptance=acceptance.strip(), created_by_id=viewer.user.id)
    action.events.append(ActionEvent(user_id=viewer.user.id, to_state=ActionState.OPEN))
    db.session.add(action)
    if item.status == ItemStatus.OPEN:
        item.status = ItemStatus.DISCUSSED
    item.revision = revision
    live.announce_followup(_later_open_meetings(viewer.meeting))
    db.session.flush()
    notify([owner, liaison_of(owner.department_id)],
           _l("New action item for you from the liaison meeting: %(task)s (deadline %(deadline)s)",
              task=action.task, deadline=deadline.isoformat()),
           link=path_for("actions.detail", action_id=action.id), kind=Kind.ACTION_ITEM, commit=False)
    db.session.commit()
    return action


def _check_action(owner_id: int, deadline: date, acceptance: str) -> User:
    """The owner, once owner, deadline and acceptance criterion all hold."""
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
    return owner


def make_move(user: User, action: ActionItem, move_name: str, note: str, version: int,
              percent: int | None = None) -> None:
    """Move an action item (or any task, app/tasks/) by the state table; a note is required where the table
    says so. A progress report may give a percentage, which the task then shows."""
    move = ACTION_TRANSITIONS.get(move_name)
    if move is None or move not in moves_for(user, action):
        raise MeetingError(_l("This step is not possible now."))
    if move.note_required and not note.strip():
        raise MeetingError(_l("Write a short note for this step."), field="note")
    values = {"state": move.target, "updated_at": utcnow(), "version": ActionItem.version + 1,
              "accepted_at": utcnow() if move.target == ActionState.ACCEPTED else None}
    if percent is not None:
        values["percent"] = percent
    # Its meeting's row first, while open, as every change on a meeting's screen: a close freezing the
    # action items at the same moment waits for this move or this move for it, never both for each other.
    revision = live.bump(action.meeting_id, open_only=True) if action.meeting_id else None
    result = db.session.execute(update(ActionItem).where(ActionItem.id == action.id, ActionItem.version == version)
                                .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.expire_all()
        current = db.session.get(ActionItem, action.id)
        raise MeetingConflict(_l("Someone else moved this action item first; it is now: %(state)s. "
                                 "Check it and try again.", state=current.state_enum.label), current=current)
    db.session.add(ActionEvent(action_id=action.id, user_id=user.id, from_state=action.state,
                               to_state=move.target, note=note.strip(), percent=percent))
    _announce(action, revision)
    _notify_move(action, move.target, note)
    db.session.commit()
    db.session.expire_all()


def _announce(action: ActionItem, revision: int | None) -> None:
    """Open screens showing this action item (its own meeting, when still open and so bumped to `revision`;
    later meetings' follow-ups) redraw it. A task from outside a meeting is on no meeting's screen."""
    if action.meeting_id is None:
        return
    if revision is not None:
        db.session.execute(update(AgendaItem).where(AgendaItem.id == action.item_id)
                           .values(revision=revision).execution_options(synchronize_session=False))
    live.announce_followup(_later_open_meetings(action.meeting), action.id)


def _later_open_meetings(meeting: Meeting) -> list[int]:
    """In date order, so every change locks later meetings' rows in the same order."""
    return list(db.session.scalars(select(Meeting.id).where(Meeting.status != MeetingStatus.CLOSED,
                                                            Meeting.starts_at > meeting.starts_at)
                                   .order_by(Meeting.starts_at, Meeting.id)))


def _notify_move(action: ActionItem, target: str, note: str) -> None:
    if action.meeting_id is None:
        from app.tasks.services import notify_move  # a task outside a meeting tells its assigner instead
        notify_move(action, target, note)
        return
    link = path_for("actions.detail", action_id=action.id)
    if target == ActionState.DONE:
        notify(users_with_role(Role.OFFICE), _l("Action item reported done, please check it: %(task)s",
                                                task=action.task), link=link, kind=Kind.ACTION_ITEM, commit=False)
    elif target == ActionState.STARTED and action.state == ActionState.DONE:
        notify([action.owner, liaison_of(action.department_id)],
               _l("The office sent an action item back: %(task)s — %(reason)s", task=action.task, reason=note),
               link=link, kind=Kind.ACTION_ITEM, commit=False)
    elif target == ActionState.ACCEPTED:
        notify([action.owner, liaison_of(action.department_id)],
               _l("The office accepted your action item as done: %(task)s", task=action.task),
               link=link, kind=Kind.ACTION_ITEM, commit=False)
