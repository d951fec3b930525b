"""The visit state machine as data: which action moves a visit from which statuses, and who may take it.

requested → planned → in progress (arrived) → completed (departed and every step done or skipped),
or cancelled (with a reason) before the visitors arrive.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow

from .models import Visit, VisitEvent


@dataclass(frozen=True)
class Action:
    sources: tuple          # statuses the action starts from
    target: str | None      # the status afterwards; None keeps the status
    roles: tuple = ()       # roles that may take it on any visit
    relations: tuple = ()   # or people related to the visit: "host", "cohost", "owner"


ACTIONS = {
    "accept": Action(("requested",), "planned", (Role.OFFICE,)),
    "edit": Action(("requested", "planned", "in_progress"), None, (Role.OFFICE, Role.RECEPTION), ("owner",)),
    "tick": Action(("planned", "in_progress"), None, (Role.OFFICE, Role.RECEPTION), ("host", "cohost", "owner")),
    "arrive": Action(("planned",), "in_progress", (Role.OFFICE, Role.RECEPTION)),
    "depart": Action(("in_progress",), None, (Role.OFFICE, Role.RECEPTION)),
    # Nobody takes "complete" by hand: it follows the departure or the last step, whoever did that.
    "complete": Action(("in_progress",), "completed"),
    "cancel": Action(("requested", "planned"), "cancelled", (Role.OFFICE,), ("host", "owner")),
}

CONFLICT_MESSAGES = {
    "accept": _l("This request was already handled by someone else."),
    "arrive": _l("The arrival of these visitors is already recorded."),
    "depart": _l("The departure of these visitors is already recorded."),
    "cancel": _l("This visit can no longer be cancelled."),
    "edit": _l("This visit can no longer be changed."),
    "tick": _l("The checklist of this visit can no longer be changed."),
}


class VisitConflict(Exception):
    """Someone else got there first, or the visit is no longer in a status that allows the action."""


def relations_of(user, visit: Visit) -> set[str]:
    found = set()
    if visit.host_id == user.id:
        found.add("host")
    if visit.owner_id == user.id:
        found.add("owner")
    if any(c.id == user.id for c in visit.cohosts):
        found.add("cohost")
    return found


def permitted(user, visit: Visit, action: str) -> bool:
    """Whether the user's roles or part in the visit allow the action at all, whatever the status."""
    rule = ACTIONS[action]
    return user.has_any_role(*rule.roles) or bool(relations_of(user, visit) & set(rule.relations))


def may(user, visit: Visit, action: str) -> bool:
    """Whether the user may take the action on this visit in its current status."""
    return visit.status in ACTIONS[action].sources and permitted(user, visit, action)


def apply(visit: Visit, action: str, user, text: str = "", **values) -> None:
    """Move the visit with a compare-and-set on its status, so two people pressing at once give one result.

    Raises VisitConflict when the stored status no longer allows the action. Does not commit.
    """
    rule = ACTIONS[action]
    changes = dict(values, version=Visit.version + 1, updated_at=utcnow())
    if rule.target:
        changes["status"] = rule.target
    condition = [Visit.id == visit.id, Visit.status.in_(rule.sources)]
    if action == "depart":
        condition.append(Visit.departed_at.is_(None))
    result = db.session.execute(update(Visit).where(*condition).values(**changes)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise VisitConflict(CONFLICT_MESSAGES.get(action, CONFLICT_MESSAGES["edit"]))
    db.session.add(VisitEvent(visit_id=visit.id, action=action, user_id=user.id if user else None,
                              text=text[:500]))
    db.session.flush()
    db.session.refresh(visit)


def complete_if_done(visit: Visit, user) -> bool:
    """Completed once the visitors have left and every step is done or skipped with a reason."""
    if visit.status != "in_progress" or visit.departed_at is None:
        return False
    if any(step.state == "open" for step in visit.steps):
        return False
    try:
        apply(visit, "complete", user)
    except VisitConflict:
        return False  # someone else's request completed it a moment ago
    return True
