"""The repair state machine as data: which action moves which status where, and who may take it.

Actors are roles plus three relations to the request: the requester, the assignee, and a
maintenance lead (a maintenance user named in REPAIRS_LEAD_LOGINS). Nothing else in the feature
decides whether a transition is allowed.
"""
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role

REQUESTER, ASSIGNEE, LEAD, MAINTENANCE, OFFICE = "requester", "assignee", "lead", "maintenance", "office"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple
    target: str  # "" keeps the status (e.g. reassigning stays "assigned")
    actors: tuple
    label: object
    needs_note: bool = False
    before_work: bool = False  # only while nobody has started work (a reopened job has)


TRANSITIONS = {t.action: t for t in (
    Transition("take", ("submitted",), "assigned", (MAINTENANCE,), _l("Take it")),
    Transition("assign", ("submitted", "assigned"), "assigned", (OFFICE, LEAD), _l("Dispatch")),
    Transition("start", ("assigned",), "in_progress", (ASSIGNEE,), _l("Start work")),
    Transition("wait", ("in_progress",), "waiting", (ASSIGNEE,), _l("Wait")),
    Transition("resume", ("waiting",), "in_progress", (ASSIGNEE,), _l("Resume work")),
    Transition("complete", ("in_progress",), "done", (ASSIGNEE,), _l("Complete"), needs_note=True),
    Transition("confirm", ("done",), "confirmed", (REQUESTER,), _l("Confirm it is fixed")),
    Transition("reopen", ("done",), "assigned", (REQUESTER,), _l("Not fixed: reopen"), needs_note=True),
    Transition("cancel", ("submitted", "assigned"), "cancelled", (REQUESTER,), _l("Cancel request"),
               before_work=True),
)}
# Escalation and auto-confirmation are made by `flask tick` (duty.py), never by a person, so they
# are not in TRANSITIONS and no form can ask for them.


def is_lead(user) -> bool:
    leads = {login.strip().lower() for login in current_app.config.get("REPAIRS_LEAD_LOGINS", ())}
    return user.has_any_role(Role.MAINTENANCE) and user.login.lower() in leads


def actors_of(user, repair) -> set:
    """Every actor name `user` counts as for this request."""
    actors = set()
    if repair.requester_id == user.id:
        actors.add(REQUESTER)
    if user.has_any_role(Role.MAINTENANCE):
        actors.add(MAINTENANCE)
        if repair.assignee_id == user.id:
            actors.add(ASSIGNEE)
        if is_lead(user):
            actors.add(LEAD)
    if user.has_any_role(Role.OFFICE):
        actors.add(OFFICE)
    return actors


def work_has_started(repair) -> bool:
    return repair.started_at is not None or repair.done_at is not None


def _permitted(user, repair, transition) -> bool:
    return repair.status in transition.sources and bool(actors_of(user, repair) & set(transition.actors))


def can(user, repair, action: str) -> bool:
    transition = TRANSITIONS.get(action)
    if transition is None or (transition.before_work and work_has_started(repair)):
        return False
    return _permitted(user, repair, transition)


def refused_because_work_started(user, repair, action: str) -> bool:
    """The person could take this step from this status, were it not that work has already started."""
    transition = TRANSITIONS.get(action)
    return bool(transition and transition.before_work and work_has_started(repair)
                and _permitted(user, repair, transition))


def allowed_actions(user, repair) -> list[Transition]:
    """The buttons this user gets on this request, in workflow order."""
    return [t for t in TRANSITIONS.values() if can(user, repair, t.action)]
