"""Read-only: a leader's overview of what they assigned, and the home card's counts."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.extensions import db
from app.meetings.models import ActionItem
from app.meetings.queries import list_rows
from app.meetings.workflow import ActionState
from app.timeutil import today

WORKING = (ActionState.OPEN, ActionState.STARTED)
# Per group: the overview is a glance; each group links to the list at /tasks/, which pages through the rest.
OVERVIEW_LIMIT = 20


@dataclass(frozen=True)
class Overview:
    """What one assigner handed out and has not yet accepted, in three groups, with each group's full count."""
    overdue: list
    waiting: list
    on_track: list
    counts: dict


def overview(assigner_id: int) -> Overview:
    """Overdue (deadline passed, still being worked on), waiting for acceptance (done), on track: each group's
    first ids from the assigner's index, then their rows in one query, and one count query, however many
    tasks there are."""
    day = today()
    groups = {
        "overdue": (ActionItem.state.in_(WORKING), ActionItem.deadline < day),
        "waiting": (ActionItem.state == ActionState.DONE,),
        "on_track": (ActionItem.state.in_(WORKING), ActionItem.deadline >= day),
    }
    ids = {name: list(db.session.scalars(select(ActionItem.id).where(ActionItem.created_by_id == assigner_id, *where)
                                         .order_by(ActionItem.deadline, ActionItem.id).limit(OVERVIEW_LIMIT)))
           for name, where in groups.items()}
    rows = {row.id: row for row in list_rows([i for group in ids.values() for i in group])}
    return Overview(**{name: [rows[i] for i in group] for name, group in ids.items()}, counts=counts(assigner_id))


def counts(assigner_id: int) -> dict:
    """Overdue, waiting for acceptance and on-track counts of one assigner's tasks, in one query: three ranges
    of the (assigner, state, deadline) index, the tasks still open, never the assigner's history (a CASE per
    task over all of them cost three times as much)."""
    day = today()
    mine = select(func.count()).where(ActionItem.created_by_id == assigner_id)
    row = db.session.execute(select(
        mine.where(ActionItem.state.in_(WORKING), ActionItem.deadline < day).scalar_subquery(),
        mine.where(ActionItem.state == ActionState.DONE).scalar_subquery(),
        mine.where(ActionItem.state.in_(WORKING), ActionItem.deadline >= day).scalar_subquery())).one()
    return {"overdue": row[0], "waiting": row[1], "on_track": row[2]}


def owned_counts(owner_id: int) -> dict:
    """Open and overdue tasks one person owns, in one query."""
    working = ActionItem.state.in_(WORKING)
    row = db.session.execute(select(
        func.sum(case((working, 1), else_=0)),
        func.sum(case((working & (ActionItem.deadline < today()), 1), else_=0)),
    ).where(ActionItem.owner_id == owner_id)).one()
    return {"open": row[0] or 0, "overdue": row[1] or 0}
