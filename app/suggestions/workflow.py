"""The suggestion state machine, as data: which answer may move a suggestion to which status, who
may give it, what the answer must carry, and how the office's history names each step."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum
from app.errors import Refused
from app.workflow import Transition, allowed, table

OFFICE, AUTHOR = "office", "author"


class Status(LabelledEnum):
    NEW = "new", _l("New")
    IN_PROGRESS = "in_progress", _l("In progress")
    RESOLVED = "resolved", _l("Resolved")
    DEFERRED = "deferred", _l("Deferred")
    DECLINED = "declined", _l("Declined")
    MERGED = "merged", _l("Merged into another suggestion")

    @property
    def is_open(self) -> bool:
        return self in (Status.NEW, Status.IN_PROGRESS)

    @property
    def can_be_rated(self) -> bool:
        """The author rates the handling once the office has given its final word."""
        return self in (Status.RESOLVED, Status.DEFERRED, Status.DECLINED)


_S = Status
# An answer may change the status: each transition is named after the status it leads to, in the
# order the answer form offers them. note_required: the answer must say why (the author must know).
TRANSITIONS = table(
    # Reopening a resolved or declined one, when the author's reply shows the answer missed the point.
    Transition("in_progress", (_S.NEW, _S.DEFERRED, _S.RESOLVED, _S.DECLINED), _S.IN_PROGRESS, (OFFICE,),
               _S.IN_PROGRESS.label),
    Transition("resolved", (_S.NEW, _S.IN_PROGRESS, _S.DEFERRED), _S.RESOLVED, (OFFICE,), _S.RESOLVED.label),
    Transition("deferred", (_S.NEW, _S.IN_PROGRESS), _S.DEFERRED, (OFFICE,), _S.DEFERRED.label,
               note_required=True),
    Transition("declined", (_S.NEW, _S.IN_PROGRESS, _S.DEFERRED), _S.DECLINED, (OFFICE,), _S.DECLINED.label,
               note_required=True),
)
# A deferral is a promise: its answer also carries the plan and the day it should be done by.
NEEDS_PLAN = frozenset({Status.DEFERRED})
# Merging is its own action (it needs a surviving suggestion), so it is not among the answer's choices.
MERGE = Transition("merge", (_S.NEW, _S.IN_PROGRESS, _S.DEFERRED), _S.MERGED, (OFFICE,),
                   _l("Merge as a duplicate"))


class TransitionError(Refused):
    """The change is not allowed; the message says why, and `field` names the form field at fault."""


def actors_of(user, suggestion) -> set[str]:
    """What `user` counts as for this suggestion: the office, and/or its (named) author."""
    actors = set()
    if user.has_any_role(Role.OFFICE):
        actors.add(OFFICE)
    if suggestion.author_id is not None and suggestion.author_id == user.id:
        actors.add(AUTHOR)
    return actors


def targets_for(user, suggestion) -> list[Status]:
    """The statuses this user may move the suggestion to with an answer, in the form's order."""
    return [Status(t.target) for t in allowed(TRANSITIONS, suggestion.status, actors_of(user, suggestion))]


def may_merge(user, suggestion) -> bool:
    return bool(allowed({MERGE.name: MERGE}, suggestion.status, actors_of(user, suggestion)))


def check(source: str, target: str, actors, *, body: str, plan: str = "", target_date=None) -> Transition:
    """Raise TransitionError unless someone acting as `actors` may make this change with this answer."""
    rule = TRANSITIONS.get(str(target))
    if rule is None or source not in rule.sources:
        raise TransitionError(_l("A suggestion that is “%(source)s” cannot become “%(target)s”.",
                                 source=_label(source), target=_label(target)), "status_to")
    if not set(actors) & set(rule.actors):
        raise TransitionError(_l("You may not make this change."))
    if not (body or "").strip():
        if rule.note_required:
            raise TransitionError(_l("Give the reason in the answer: the author must know why."), "body")
        raise TransitionError(_l("Write the answer the author will read."), "body")
    if rule.target in NEEDS_PLAN and not (plan or "").strip():
        raise TransitionError(_l("A deferred suggestion needs a plan."), "plan")
    if rule.target in NEEDS_PLAN and target_date is None:
        raise TransitionError(_l("A deferred suggestion needs a target date for the plan."), "target_date")
    return rule


def _label(value) -> str:
    status = Status.of(str(value))
    return str(status.label) if status else str(value)


# ---------------------------------------------------------------- the office's history

EVENT_LABELS = {
    "paper": _l("typed in from a paper slip"),
    "answer": _l("published an answer"),
    "draft": _l("saved a draft answer"),
    "merged": _l("merged it into another suggestion"),
    "absorbed": _l("merged a duplicate into it"),
    "board": _l("put it on the public board"),
    "unboard": _l("took it off the public board"),
}


def event_label(event) -> str:
    """One line of the office's history: what happened, with the status change or the other number."""
    label = str(EVENT_LABELS.get(event.kind, event.kind))
    if event.kind == "answer" and event.detail:
        source, _sep, target = event.detail.partition(" → ")
        return f"{label}: {Status(source).label} → {Status(target).label}"
    if event.kind in ("merged", "absorbed") and event.detail:
        return f"{label} ({_('No. %(number)s', number=event.detail)})"
    return label
