"""Who hears of a request: besides the requester and the assignee, everyone who added their report to it."""
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db

from .models import RepairEvent


def co_reporters(repair_ids) -> dict[int, list[User]]:
    """{request id: people who used "add my report to it"}, in one query for any number of requests."""
    ids = list(repair_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(RepairEvent.repair_id, User)
                              .join(User, User.id == RepairEvent.actor_id)
                              .where(RepairEvent.kind == "report", RepairEvent.repair_id.in_(ids))
                              .order_by(RepairEvent.id)).all()
    found: dict[int, list[User]] = {}
    for repair_id, user in rows:
        people = found.setdefault(repair_id, [])
        if user not in people:
            people.append(user)
    return found


def co_reporters_of(repair) -> list[User]:
    """The co-reporters of one request, leaving out its requester (who may have added to their own)."""
    return [p for p in co_reporters([repair.id]).get(repair.id, []) if p.id != repair.requester_id]


def requesters(repair, reporters=None) -> list[User]:
    """The requester first, then the co-reporters: the people waiting for this fault to be fixed."""
    others = co_reporters_of(repair) if reporters is None else reporters
    return [repair.requester] + [p for p in others if p.id != repair.requester_id]
