"""The visit state machine and the checklist-step machine as data: which move goes from which state, and who
may make it.

A visit goes requested → planned → in progress (arrived) → completed (departed and every step done or
skipped), or cancelled (with a reason) before the visitors arrive. Actors are role names ("office",
"reception") plus the user's relations to the visit ("host", "cohost", "owner"). The writes, a
compare-and-set on the state, are in services.py and steps.py.
"""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum
from app.workflow import Transition, may, table

OFFICE, RECEPTION = Role.OFFICE.value, Role.RECEPTION.value
HOST, COHOST, OWNER = "host", "cohost", "owner"


class VisitStatus(LabelledEnum):
    REQUESTED = "requested", _l("Requested")
    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("In progress")
    COMPLETED = "completed", _l("Completed")
    CANCELLED = "cancelled", _l("Cancelled")


class Shown(LabelledEnum):
    """Not a status of its own: an in-progress visit whose visitors have left, waiting for its last steps,
    shows as departed at the front desk, not as if they were still in the building."""
    DEPARTED = "departed", _l("Departed, steps open")


class StepState(LabelledEnum):
    OPEN = "open", _l("Open")
    DONE = "done", _l("Done")
    SKIPPED = "skipped", _l("Skipped")


ACTIVE = (VisitStatus.REQUESTED, VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)
FRONT_DESK = (OFFICE, RECEPTION)
CHECKLIST = (OFFICE, RECEPTION, HOST, COHOST, OWNER)

TRANSITIONS = table(
    Transition("accept", (VisitStatus.REQUESTED,), VisitStatus.PLANNED, (OFFICE,), _l("Accept")),
    Transition("edit", ACTIVE, None, (*FRONT_DESK, OWNER), _l("Edit")),
    # Ticking, skipping and noting steps: the step machine below says which; this says when and by whom.
    Transition("tick", (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS), None, CHECKLIST, _l("Tick off")),
    Transition("arrive", (VisitStatus.PLANNED,), VisitStatus.IN_PROGRESS, FRONT_DESK, _l("Record arrival")),
    Transition("depart", (VisitStatus.IN_PROGRESS,), None, FRONT_DESK, _l("Record departure")),
    # Nobody completes a visit by hand: it follows the departure or the last step, whoever did that.
    Transition("complete", (VisitStatus.IN_PROGRESS,), VisitStatus.COMPLETED, ()),
    Transition("cancel", (VisitStatus.REQUESTED, VisitStatus.PLANNED), VisitStatus.CANCELLED, (OFFICE, HOST, OWNER),
               _l("Cancel the visit"), note_required=True),
)

STEP_TRANSITIONS = table(
    Transition("tick", (StepState.OPEN,), StepState.DONE, CHECKLIST, _l("Tick off")),
    Transition("skip", (StepState.OPEN,), StepState.SKIPPED, CHECKLIST, _l("Skip"), note_required=True),
    Transition("untick", (StepState.DONE, StepState.SKIPPED), StepState.OPEN, CHECKLIST, _l("Untick"),
               note_required=True),
    # Only one's own tick of the last few minutes (checklist.can_undo): a wrong tap on the board.
    Transition("undo", (StepState.DONE,), StepState.OPEN, CHECKLIST, _l("Undo")),
    Transition("note", tuple(StepState), None, CHECKLIST, _l("Save the note")),
)

# What the loser of a race (or the holder of an outdated page) is told, per visit move.
CONFLICT_MESSAGES = {
    "accept": _l("This request was already handled by someone else."),
    "arrive": _l("The arrival of these visitors is already recorded."),
    "depart": _l("The departure of these visitors is already recorded."),
    "cancel": _l("This visit can no longer be cancelled."),
    "edit": _l("This visit can no longer be changed."),
    "complete": _l("This visit can no longer be changed."),
    "tick": _l("The checklist of this visit can no longer be changed."),
}


def stored(states) -> list[str]:
    """States as the column stores them (plain strings), for SQL conditions."""
    return [str(state) for state in states]


def actors_of(user, visit) -> set[str]:
    """The user's role names and relations to the visit."""
    actors = {role.value for role in user.roles}
    if visit.host_id == user.id:
        actors.add(HOST)
    if visit.owner_id == user.id:
        actors.add(OWNER)
    if any(c.id == user.id for c in visit.cohosts):
        actors.add(COHOST)
    return actors


def permitted(user, visit, name: str) -> bool:
    """Whether the user's roles or part in the visit allow the move at all, whatever the status."""
    return bool(actors_of(user, visit) & set(TRANSITIONS[name].actors))


def can(user, visit, name: str) -> bool:
    """Whether the user may make the move on this visit in its current status."""
    return may(TRANSITIONS, name, visit.status, actors_of(user, visit))
