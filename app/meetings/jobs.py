"""What the scheduler runs for meetings: reminding owners and liaisons of overdue action items, once.

Each reminder is sent once even when two runs overlap (a slow run and the next, or a runner on each machine):
the action item is claimed with a conditional UPDATE (rowcount 1 means "mine") in the same transaction as its
notifications, and the run commits once at the end. A run that dies before its commit leaves nothing sent and
nothing claimed, so the next run sends it, once.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.auth.services import liaison_of
from app.calendar.services import is_working_day
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.timeutil import today, utcnow

from .models import ActionItem
from .workflow import ActionState


def _overdue(day):
    """A meeting's action item still to be done, deadline before `day`, owner not told yet. (Tasks assigned
    outside a meeting share the table; app/tasks/jobs.py reminds those, per overdue step.)"""
    return (ActionItem.meeting_id.is_not(None), ActionItem.state.in_((ActionState.OPEN, ActionState.STARTED)),
            ActionItem.deadline < day, ActionItem.overdue_notified_at.is_(None))


def _claim(action_id: int, day, now) -> bool:
    """Mark the reminder sent, if it is still due: True when this run is the one to send it."""
    result = db.session.execute(update(ActionItem).where(ActionItem.id == action_id, *_overdue(day))
                                .values(overdue_notified_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def remind_overdue() -> str:
    """Tell the owner and their department's liaison once when an action item's deadline has passed.

    The deadline is the date the office chose, so an item is overdue the day after it, whatever the day; the
    reminder waits for a working day of the office's calendar, when the owner is at work to act on it (a
    deadline on Friday is reminded on Monday, or after a holiday on the first day back)."""
    day = today()
    if not is_working_day(day):
        return "not a working day: overdue reminders wait for the next one"
    now = utcnow()
    due = list(db.session.scalars(select(ActionItem).where(*_overdue(day)).order_by(ActionItem.id)))
    sent = 0
    for action in due:
        if not _claim(action.id, day, now):
            continue  # done or accepted meanwhile, or another run reminded it
        notify([action.owner, liaison_of(action.department_id)],
               _l("Action item overdue since %(deadline)s: %(task)s", deadline=action.deadline.isoformat(),
                  task=action.task),
               link=path_for("actions.detail", action_id=action.id), kind=Kind.ACTION_ITEM, commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} overdue action item(s) reminded"
