"""The repair state machine as data: which action moves which status where, and who may take it.

Actors are roles plus three relations to the request: the requester, the assignee, and a
maintenance lead (a maintenance user named in REPAIRS_LEAD_LOGINS). Nothing else in the feature
decides whether a transition is allowed.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum
from app.workflow import Transition, allowed, may, table

REQUESTER, ASSIGNEE, LEAD, MAINTENANCE, OFFICE = "requester", "assignee", "lead", "maintenance", "office"


class Status(LabelledEnum):
    """Where a request stands; the badge class is `badge-<value>`."""
    SUBMITTED = "submitted", _l("Submitted")
    ASSIGNED = "assigned", _l("Assigned")
    IN_PROGRESS = "in_progress", _l("In progress")
    WAITING = "waiting", _l("Waiting")
    DONE = "done", _l("Done")
    CONFIRMED = "confirmed", _l("Confirmed")
    CANCELLED = "cancelled", _l("Cancelled")


S = Status
OPEN_STATUSES = (S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.DONE)
# Statuses whose clocks run (a done request waits for the requester, not for maintenance).
ACTIVE_STATUSES = (S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING)

TRANSITIONS = table(
    Transition("take", (S.SUBMITTED,), S.ASSIGNED, (MAINTENANCE,), _l("Take it")),
    # Dispatching again moves the job to another person and leaves it "assigned".
    Transition("assign", (S.SUBMITTED, S.ASSIGNED), S.ASSIGNED, (OFFICE, LEAD), _l("Dispatch")),
    Transition("start", (S.ASSIGNED,), S.IN_PROGRESS, (ASSIGNEE,), _l("Start work")),
    Transition("wait", (S.IN_PROGRESS,), S.WAITING, (ASSIGNEE,), _l("Wait")),
    Transition("resume", (S.WAITING,), S.IN_PROGRESS, (ASSIGNEE,), _l("Resume work")),
    Transition("complete", (S.IN_PROGRESS,), S.DONE, (ASSIGNEE,), _l("Complete"), note_required=True),
    Transition("confirm", (S.DONE,), S.CONFIRMED, (REQUESTER,), _l("Confirm it is fixed")),
    Transition("reopen", (S.DONE,), S.ASSIGNED, (REQUESTER,), _l("Not fixed: reopen"), note_required=True),
    Transition("cancel", (S.SUBMITTED, S.ASSIGNED), S.CANCELLED, (REQUESTER,), _l("Cancel request")),
)
# Allowed only while nobody has started work: a reopened job is "assigned" again, but work was done.
BEFORE_WORK = frozenset({"cancel"})
# Escalation and auto-confirmation are made by `flask tick` (jobs.py), never by a person, so they
# are not in TRANSITIONS and no form can ask for them.


def is_lead(user) -> bool:
    leads = {login.strip().lower() for login in current_app.config["REPAIRS_LEAD_LOGINS"]}
    return user.has_any_role(Role.MAINTENANCE) and user.login.lower() in leads


def actors_of(user, repair, by_role: frozenset | None = None) -> set:
    """Every actor name `user` counts as for this request; `by_role`: role_actors(user), when a list of requests
    has it already."""
    actors = set(role_actors(user) if by_role is None else by_role)
    if repair.requester_id == user.id:
        actors.add(REQUESTER)
    if MAINTENANCE in actors and repair.assignee_id == user.id:
        actors.add(ASSIGNEE)
    return actors


def role_actors(user) -> frozenset:
    """The actor names `user` counts as for every request, by their roles alone."""
    actors = set()
    if user.has_any_role(Role.MAINTENANCE):
        actors.add(MAINTENANCE)
        if is_lead(user):
            actors.add(LEAD)
    if user.has_any_role(Role.OFFICE):
        actors.add(OFFICE)
    return frozenset(actors)


def work_has_started(repair) -> bool:
    return repair.started_at is not None or repair.done_at is not None


def can(user, repair, name: str) -> bool:
    if name in BEFORE_WORK and work_has_started(repair):
        return False
    return may(TRANSITIONS, name, repair.status, actors_of(user, repair))


def refused_because_work_started(user, repair, name: str) -> bool:
    """The person could take this step from this status, were it not that work has already started."""
    return (name in BEFORE_WORK and work_has_started(repair)
            and may(TRANSITIONS, name, repair.status, actors_of(user, repair)))


def allowed_actions(user, repair, by_role: frozenset | None = None) -> list[Transition]:
    """The buttons this user gets on this request, in workflow order."""
    actions = allowed(TRANSITIONS, repair.status, actors_of(user, repair, by_role))
    if work_has_started(repair):
        actions = [t for t in actions if t.name not in BEFORE_WORK]
    return actions


def actions_by_id(user, repairs) -> dict[int, list[Transition]]:
    """allowed_actions for each request of a list, by id: the user's roles (and the leads' setting) looked up
    once for the list, not once per row."""
    by_role = role_actors(user)
    return {repair.id: allowed_actions(user, repair, by_role) for repair in repairs}
