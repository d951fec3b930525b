"""The suggestion state machine, as data: which status may follow which, who may do it, and
what an answer must contain for it."""
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.auth.roles import Role


class Status(str, enum.Enum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    DEFERRED = "deferred"
    DECLINED = "declined"
    MERGED = "merged"

    @property
    def label(self):
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in (Status.NEW, Status.IN_PROGRESS)

    @property
    def can_be_rated(self) -> bool:
        """The author rates the handling once the office has given its final word."""
        return self in (Status.RESOLVED, Status.DEFERRED, Status.DECLINED)


STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.DEFERRED: _l("Deferred"),
    Status.DECLINED: _l("Declined"),
    Status.MERGED: _l("Merged into another suggestion"),
}

# What an answer must carry besides its text, per target status.
PLAN = "plan"
TARGET_DATE = "target_date"


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    roles: tuple = (Role.OFFICE,)
    requires: tuple = ()


_S = Status
TRANSITIONS = [
    Transition(_S.NEW, _S.IN_PROGRESS),
    Transition(_S.NEW, _S.RESOLVED),
    Transition(_S.NEW, _S.DEFERRED, requires=(PLAN, TARGET_DATE)),
    Transition(_S.NEW, _S.DECLINED),
    Transition(_S.IN_PROGRESS, _S.RESOLVED),
    Transition(_S.IN_PROGRESS, _S.DEFERRED, requires=(PLAN, TARGET_DATE)),
    Transition(_S.IN_PROGRESS, _S.DECLINED),
    # A deferred plan comes due: work starts, or it is finished or dropped after all.
    Transition(_S.DEFERRED, _S.IN_PROGRESS),
    Transition(_S.DEFERRED, _S.RESOLVED),
    Transition(_S.DEFERRED, _S.DECLINED),
    # Reopening when the author's reply shows the answer missed the point.
    Transition(_S.RESOLVED, _S.IN_PROGRESS),
    Transition(_S.DECLINED, _S.IN_PROGRESS),
]
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}

# Merging is its own action (it needs a surviving suggestion), allowed from any open or deferred status.
MERGEABLE = (Status.NEW, Status.IN_PROGRESS, Status.DEFERRED)


class TransitionError(ValueError):
    """The change is not allowed; the message says why, and `field` names the form field at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def transition(source: Status, target: Status) -> Transition | None:
    return _BY_PAIR.get((Status(source), Status(target)))


def targets_for(source: Status, user) -> list[Status]:
    """The statuses this user may move a suggestion to from `source`."""
    return [t.target for t in TRANSITIONS if t.source == Status(source) and user.has_any_role(*t.roles)]


def check(source: Status, target: Status, user, *, body: str, plan: str = "", target_date=None) -> Transition:
    """Raise TransitionError unless `user` may make this change with this answer."""
    rule = transition(source, target)
    if rule is None:
        raise TransitionError(_l("A suggestion that is “%(source)s” cannot become “%(target)s”.",
                                 source=Status(source).label, target=Status(target).label))
    if not user.has_any_role(*rule.roles):
        raise TransitionError(_l("You may not make this change."))
    if not (body or "").strip():
        if rule.target in (Status.DEFERRED, Status.DECLINED):
            raise TransitionError(_l("Give the reason in the answer: the author must know why."), "body")
        raise TransitionError(_l("Write the answer the author will read."), "body")
    if PLAN in rule.requires and not (plan or "").strip():
        raise TransitionError(_l("A deferred suggestion needs a plan."), "plan")
    if TARGET_DATE in rule.requires and target_date is None:
        raise TransitionError(_l("A deferred suggestion needs a target date for the plan."), "target_date")
    return rule
