"""Read-only: a leader's overview of what they assigned, and the home card's counts."""
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.extensions import db
from app.meetings.models import ActionItem
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


def _mine(assigner_id: int):
    return select(ActionItem).where(ActionItem.created_by_id == assigner_id)


def overview(assigner_id: int) -> Overview:
    """Overdue (deadline passed, still being worked on), waiting for acceptance (done), on track: three list
    queries and one count query, however many tasks there are."""
    day = today()
    groups = {
        "overdue": (ActionItem.state.in_(WORKING), ActionItem.deadline < day),
        "waiting": (ActionItem.state == ActionState.DONE,),
        "on_track": (ActionItem.state.in_(WORKING), ActionItem.deadline >= day),
    }
    lists = {name: list(db.session.scalars(_mine(assigner_id).where(*where)
                                           # owners' roles are not shown: not loaded for every owner
                                           .options(joinedload(ActionItem.department),
                                                    joinedload(ActionItem.owner).lazyload(User.role_rows))
                                           .order_by(ActionItem.deadline, ActionItem.id).limit(OVERVIEW_LIMIT)))
             for name, where in groups.items()}
    return Overview(**lists, counts=counts(assigner_id))


def counts(assigner_id: int) -> dict:
    """Overdue, waiting for acceptance and on-track counts of one assigner's tasks, in one query."""
    day = today()
    working = ActionItem.state.in_(WORKING)
    row = db.session.execute(select(
        func.sum(case((working & (ActionItem.deadline < day), 1), else_=0)),
        func.sum(case((ActionItem.state == ActionState.DONE, 1), else_=0)),
        func.sum(case((working & (ActionItem.deadline >= day), 1), else_=0)),
    ).where(ActionItem.created_by_id == assigner_id)).one()
    return {"overdue": row[0] or 0, "waiting": row[1] or 0, "on_track": row[2] or 0}


def owned_counts(owner_id: int) -> dict:
    """Open and overdue tasks one person owns, in one query."""
    working = ActionItem.state.in_(WORKING)
    row = db.session.execute(select(
        func.sum(case((working, 1), else_=0)),
        func.sum(case((working & (ActionItem.deadline < today()), 1), else_=0)),
    ).where(ActionItem.owner_id == owner_id)).one()
    return {"open": row[0] or 0, "overdue": row[1] or 0}
