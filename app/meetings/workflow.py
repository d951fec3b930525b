"""The meeting and action-item state machines, as data: their statuses, allowed moves and who may make them.

Actors: "office" (Role.OFFICE), "owner" (the action item's owner), "liaison" (liaison of the
department that answers for the action item), "assigner" (who handed the task out, e.g. a leader's task
from app/tasks/). Everything else reads these tables; no view decides a move by itself.
"""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum
from app.workflow import Transition, allowed, table

OFFICE, OWNER, LIAISON, ASSIGNER = "office", "owner", "liaison", "assigner"


class MeetingStatus(LabelledEnum):
    COLLECTING = "collecting", _l("collecting items")
    IN_PROGRESS = "in_progress", _l("in progress")
    CLOSED = "closed", _l("closed")


class ItemStatus(LabelledEnum):
    """Whether the meeting got to an agenda item; set by the outcome form, an action item or the close."""
    OPEN = "open", _l("not yet discussed")
    DISCUSSED = "discussed", _l("discussed")
    CARRIED = "carried", _l("moved to the next meeting")

    @property
    def css(self) -> str:
        # "open" alone would take the colour of other features' open badges.
        return f"item-{self.value}"


class ActionState(LabelledEnum):
    OPEN = "open", _l("open")
    STARTED = "in_progress", _l("in progress")
    DONE = "done", _l("done, awaiting acceptance")
    ACCEPTED = "accepted", _l("accepted")

    @property
    def css(self) -> str:
        return f"action-{self.value}"


MEETING_TRANSITIONS = table(
    Transition("start", (MeetingStatus.COLLECTING,), MeetingStatus.IN_PROGRESS, (OFFICE,), _l("Start the meeting")),
    Transition("close", (MeetingStatus.COLLECTING, MeetingStatus.IN_PROGRESS), MeetingStatus.CLOSED, (OFFICE,),
               _l("Close the meeting")),
)

_WORKING = (ActionState.OPEN, ActionState.STARTED)
ACTION_TRANSITIONS = table(
    Transition("start", (ActionState.OPEN,), ActionState.STARTED, (OWNER, LIAISON), _l("Start work")),
    Transition("progress", _WORKING, ActionState.STARTED, (OWNER, LIAISON), _l("Report progress"),
               note_required=True),
    Transition("done", _WORKING, ActionState.DONE, (OWNER, LIAISON), _l("Report done"), note_required=True),
    Transition("accept", (ActionState.DONE,), ActionState.ACCEPTED, (OFFICE, ASSIGNER), _l("Accept as done")),
    Transition("send_back", (ActionState.DONE,), ActionState.STARTED, (OFFICE, ASSIGNER), _l("Send back"),
               note_required=True),
)


def actors_of(user, action=None) -> set[str]:
    """Who `user` is in the tables above: "office" by role; for an action item also its "owner" and the
    "liaison" of the department that answers for it. A meeting's moves need only the role (no action)."""
    found = {OFFICE} if user.has_any_role(Role.OFFICE) else set()
    if action is None:
        return found
    if action.owner_id == user.id:
        found.add(OWNER)
    if action.created_by_id == user.id:
        found.add(ASSIGNER)
    if user.has_any_role(Role.LIAISON) and user.department_id == action.department_id:
        found.add(LIAISON)
    return found


def moves_for(user, action) -> list[Transition]:
    """The moves `user` may make on an action item now, in table order (the buttons of its form)."""
    return allowed(ACTION_TRANSITIONS, action.state, actors_of(user, action))
