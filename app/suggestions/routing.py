"""Suggestions routed to whoever must act: the office hands one to a department with an internal deadline,
the department's handlers (the request handlers of app/requests: the same duty, the same list) draft the
answer, and the office reviews and publishes it, so the author only ever hears the office.

What a department sees of a suggestion is its words (number, category, day, title, details, status), never
its author: the author's relationship is never loaded here, and the department's page has no link to the
office's page of the suggestion.
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm.attributes import flag_modified

from app.auth.models import Department
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.calendar.clock import after_working_days
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.requests.models import RequestHandler
from app.requests.services import handler_departments, handlers_of
from app.timeutil import utcnow

from . import workflow
from .answers import STALE_MESSAGE, StaleSuggestion, _writing, draft_of
from .models import Answer, Event, Routing, Suggestion
from .services import SuggestionError
from .workflow import Status

ROUTED_PAGE_SIZE = 30
# Statuses a department can still act on: an answered (resolved, declined, merged) one is the office's again.
ROUTABLE = (Status.NEW.value, Status.IN_PROGRESS.value, Status.DEFERRED.value)


def routing_of(suggestion: Suggestion) -> Routing | None:
    return db.session.get(Routing, suggestion.id)


def route(suggestion: Suggestion, user, department: Department | None, working_days: int) -> Routing:
    """Give the suggestion to `department`, due in `working_days` working days; its handlers are told.
    Routing again moves it (and its deadline) to the department named now."""
    if suggestion.status not in ROUTABLE:
        raise SuggestionError(_l("Only a new, in-progress or deferred suggestion can be routed."), "department_id")
    if department is None or not department.active:
        raise SuggestionError(_l("Choose a department."), "department_id")
    handlers = handlers_of(department.id)
    if not handlers:
        raise SuggestionError(_l("This department has no handlers yet: name them under Requests → Handlers."),
                              "department_id")
    now = utcnow()
    with _writing():
        routing = routing_of(suggestion) or Routing(suggestion_id=suggestion.id)
        routing.department_id, routing.routed_by_id, routing.routed_at = department.id, user.id, now
        routing.due_at, routing.drafted_at = after_working_days(now, working_days), None
        db.session.add(routing)
        db.session.add(Event(suggestion_id=suggestion.id, actor_id=user.id, kind="routed", detail=department.code))
        flag_modified(suggestion, "status")  # the version moves: a page drawn before is told
        notify(handlers, _l("The office asks your department to draft the answer to suggestion “%(title)s”.",
                            title=suggestion.title),
               link=path_for("suggestions.routed_detail", suggestion_id=suggestion.id), kind=Kind.GENERAL,
               commit=False)
    return routing


def routed_to(user, page: int):
    """The suggestions routed to the departments this user handles for: those still waiting for an answer
    first, soonest due first."""
    departments = handler_departments(user)
    query = (select(Routing).join(Routing.suggestion).where(Routing.department_id.in_(departments))
             .order_by(Suggestion.first_answered_at.is_not(None), Routing.due_at))
    return db.paginate(query, page=page, per_page=ROUTED_PAGE_SIZE, error_out=False)


def waiting_for(user, now) -> tuple[int, int]:
    """(waiting, overdue): suggestions routed to the departments this user handles for that still wait for
    the department's draft, and those of them past the internal deadline; one statement."""
    waiting = (Routing.drafted_at.is_(None)) & (Suggestion.first_answered_at.is_(None))
    row = db.session.execute(
        select(func.count(), func.count(case((Routing.due_at < now, 1))))
        .select_from(Routing).join(Suggestion, Suggestion.id == Routing.suggestion_id)
        .join(RequestHandler, RequestHandler.department_id == Routing.department_id)
        .where(RequestHandler.user_id == user.id, waiting)).one()
    return row[0], row[1]


def get_routed(user, suggestion_id: int) -> Routing | None:
    """The routing of this suggestion when it sits with one of the user's departments, else None (404)."""
    routing = db.session.get(Routing, suggestion_id)
    if routing is None or routing.department_id not in handler_departments(user):
        return None
    return routing


def draft(routing: Routing, user, *, version: int, status_to: str, body: str, plan: str = "",
          target_date: date | None = None) -> Answer:
    """The department's drafted answer: checked as the office would check it when publishing, kept as the
    suggestion's draft for the office to review and publish; the office is told."""
    suggestion = routing.suggestion
    if version != suggestion.version:
        raise StaleSuggestion(STALE_MESSAGE)
    if suggestion.status not in ROUTABLE:
        raise SuggestionError(_l("The office has already answered this suggestion."))
    workflow.check(suggestion.status, status_to, {workflow.OFFICE}, body=body, plan=plan, target_date=target_date)
    with _writing():
        answer = draft_of(suggestion) or Answer(suggestion_id=suggestion.id)
        answer.written_by_id, answer.status_to, answer.body = user.id, status_to, body.strip()
        deferred = status_to == Status.DEFERRED.value
        answer.plan = plan.strip() if deferred else None
        answer.target_date = target_date if deferred else None
        db.session.add(answer)
        routing.drafted_at = utcnow()
        flag_modified(suggestion, "status")
        db.session.add(Event(suggestion_id=suggestion.id, actor_id=user.id, kind="draft"))
        notify(users_with_role(Role.OFFICE),
               _l("%(department)s drafted an answer to suggestion “%(title)s”: review and publish it.",
                  department=routing.department.code, title=suggestion.title),
               link=path_for("suggestions.detail", suggestion_id=suggestion.id), kind=Kind.GENERAL, commit=False)
    return answer


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.active).order_by(Department.code)))
