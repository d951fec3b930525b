"""What the scheduler runs for tasks: overdue reminders once per overdue step, a weekly summary per assigner.

Both are safe to run twice at once. An overdue step is claimed with a conditional UPDATE (`overdue_step`
below the step: rowcount 1 means "mine"); a weekly summary by inserting its (assigner, week) row, whose
primary key lets only one run have it. Claims and notifications share one transaction per task or
assigner, so a run that dies leaves nothing half sent.

A liaison meeting's action items keep their own one-time reminder (app/meetings/jobs.py); these jobs cover
the tasks assigned outside a meeting.
"""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.calendar.services import is_working_day
from app.extensions import db
from app.links import path_for
from app.meetings.models import ActionItem
from app.notifications import Kind, notify
from app.timeutil import today

from . import queries
from .models import TaskSummarySent
from .workflow import TaskSource

# A new reminder every this many days overdue: the day after the deadline, a week later, and so on.
OVERDUE_STEP_DAYS = 7


def overdue_step(deadline: date, day: date) -> int:
    """0 while not overdue; 1 from the day after the deadline, 2 a step later..."""
    late = (day - deadline).days
    return 0 if late < 1 else 1 + (late - 1) // OVERDUE_STEP_DAYS


def _tasks():
    return ActionItem.source != TaskSource.MEETING


def _claim(task_id: int, step: int, day: date) -> bool:
    """Mark this step reminded if it still is due: True when this run is the one to send it."""
    result = db.session.execute(
        update(ActionItem).where(ActionItem.id == task_id, ActionItem.overdue_step < step,
                                 ActionItem.state.in_(queries.WORKING), ActionItem.deadline < day)
        .values(overdue_step=step).execution_options(synchronize_session=False))
    return result.rowcount == 1


def remind_overdue() -> str:
    """On a working day, tell owner and assigner of each overdue task that reached a new overdue step."""
    day = today()
    if not is_working_day(day):
        return "not a working day: task reminders wait for the next one"
    due = db.session.scalars(select(ActionItem).where(_tasks(), ActionItem.state.in_(queries.WORKING),
                                                      ActionItem.deadline < day).order_by(ActionItem.id)).all()
    sent = 0
    for task in due:
        step = overdue_step(task.deadline, day)
        if task.overdue_step >= step or not _claim(task.id, step, day):
            continue  # this step was reminded, or the task moved on meanwhile
        notify([task.owner, task.assigner],
               _l("Task overdue since %(deadline)s: %(task)s", deadline=task.deadline.isoformat(), task=task.task),
               link=path_for("actions.detail", action_id=task.id), kind=Kind.TASK_UPDATE, commit=False)
        db.session.commit()
        sent += 1
    return f"{sent} overdue task reminder(s) sent"


def _claim_week(assigner_id: int, week: date) -> bool:
    """Insert the (assigner, week) row in a savepoint; False when another run has it already."""
    try:
        with db.session.begin_nested():
            db.session.add(TaskSummarySent(assigner_id=assigner_id, week=week))
    except IntegrityError:
        return False
    return True


def _assigners() -> list[int]:
    """Everyone with a task they assigned (outside a meeting) not yet accepted."""
    return list(db.session.scalars(select(ActionItem.created_by_id).where(
        _tasks(), ActionItem.created_by_id.is_not(None), ActionItem.accepted_at.is_(None)).distinct()))


def weekly_summary() -> str:
    """On the week's first working day (or the first run after it), each assigner gets their counts once."""
    day = today()
    if not is_working_day(day):
        return "not a working day: the weekly task summary waits for the next one"
    week = day - timedelta(days=day.weekday())
    already = set(db.session.scalars(select(TaskSummarySent.assigner_id).where(TaskSummarySent.week == week)))
    sent = 0
    for assigner_id in _assigners():
        if assigner_id in already or not _claim_week(assigner_id, week):
            continue
        counts = queries.counts(assigner_id)
        notify([db.session.get(User, assigner_id)],
               _l("Your tasks this week: %(overdue)d overdue, %(waiting)d waiting for your acceptance, "
                  "%(on_track)d on track.", **counts),
               link=path_for("tasks.overview"), kind=Kind.WEEKLY_DIGEST, commit=False)
        db.session.commit()
        sent += 1
    return f"{sent} weekly task summar{'y' if sent == 1 else 'ies'} sent"

