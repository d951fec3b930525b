"""The request state machine as data: which action moves which status where, and who may take it.

Actors: the requester; a handler of the department the request now sits with (HANDLER); the handler
who took it (ASSIGNEE); the office. Nothing else in the feature decides whether a step is allowed.
"""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum
from app.workflow import Transition, allowed, may, table

REQUESTER, HANDLER, ASSIGNEE, OFFICE = "requester", "handler", "assignee", "office"


class Status(LabelledEnum):
    """Where a request stands; the badge class is `badge-<value>`."""
    SUBMITTED = "submitted", _l("Submitted")
    IN_PROGRESS = "in_progress", _l("In progress")
    WAITING = "waiting", _l("Waiting for the requester")
    DONE = "done", _l("Done")
    CONFIRMED = "confirmed", _l("Confirmed")
    CANCELLED = "cancelled", _l("Cancelled")


S = Status
OPEN_STATUSES = (S.SUBMITTED, S.IN_PROGRESS, S.WAITING, S.DONE)
# Statuses whose clocks run; a waiting request's clocks stand still (it waits for the requester).
ACTIVE_STATUSES = (S.SUBMITTED, S.IN_PROGRESS)

TRANSITIONS = table(
    Transition("take", (S.SUBMITTED,), S.IN_PROGRESS, (HANDLER,), _l("Take it")),
    # An answer on the way (not the last word): the requester reads it, the request stays open.
    Transition("answer", (S.IN_PROGRESS,), None, (ASSIGNEE,), _l("Send an answer"), note_required=True),
    Transition("ask", (S.IN_PROGRESS,), S.WAITING, (ASSIGNEE,), _l("Ask the requester"), note_required=True),
    Transition("reply", (S.WAITING,), S.IN_PROGRESS, (REQUESTER,), _l("Send the information"),
               note_required=True),
    Transition("hand_over", (S.SUBMITTED, S.IN_PROGRESS), S.SUBMITTED, (HANDLER, OFFICE),
               _l("Hand over to another department"), note_required=True),
    Transition("complete", (S.IN_PROGRESS,), S.DONE, (ASSIGNEE,), _l("Complete with an answer"),
               note_required=True),
    Transition("confirm", (S.DONE,), S.CONFIRMED, (REQUESTER,), _l("Confirm it is done")),
    Transition("reopen", (S.DONE,), S.IN_PROGRESS, (REQUESTER,), _l("Not done: reopen"), note_required=True),
    Transition("cancel", (S.SUBMITTED,), S.CANCELLED, (REQUESTER,), _l("Cancel request")),
)


def actors_of(user, item, handler_departments: set) -> set:
    """Every actor name `user` counts as for this request; `handler_departments` are the departments
    the user handles requests for (services.handler_departments)."""
    actors = set()
    if item.requester_id == user.id:
        actors.add(REQUESTER)
    if item.department_id in handler_departments:
        actors.add(HANDLER)
        if item.handler_id == user.id:
            actors.add(ASSIGNEE)
    if user.has_any_role(Role.OFFICE):
        actors.add(OFFICE)
    return actors


def can(user, item, name: str, handler_departments: set) -> bool:
    return may(TRANSITIONS, name, item.status, actors_of(user, item, handler_departments))


def allowed_actions(user, item, handler_departments: set) -> list[Transition]:
    """The buttons this user gets on this request, in workflow order."""
    return allowed(TRANSITIONS, item.status, actors_of(user, item, handler_departments))
