"""The lists people work from (read only): my requests, a department's inbox, the office's open list,
the hand-overs, and the export. Each list finds its page as ids, then reads those rows with their relations
eager-loaded."""
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import defaultload

from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow

from .models import EventKind, RequestEvent, ServiceRequest
from .workflow import ACTIVE_STATUSES, OPEN_STATUSES, Status

PAGE_SIZE = 25
R = ServiceRequest
# A row shows names only: the people's roles and departments (loaded with every user elsewhere) are not fetched.
LIST_ROWS = (defaultload(R.requester).lazyload(User.role_rows), defaultload(R.requester).lazyload(User.department),
             defaultload(R.handler).lazyload(User.role_rows), defaultload(R.handler).lazyload(User.department))


def overdue_clause(now):
    """SQL twin of ServiceRequest.is_overdue, so lists can put overdue requests first."""
    return or_(and_(R.status.in_(ACTIVE_STATUSES), R.answered_at.is_(None), R.answer_due < now),
               and_(R.status.in_((*ACTIVE_STATUSES, Status.WAITING)),
                    R.complete_due < func.coalesce(R.waiting_since, now)))


def _overdue_first(now):
    return case((overdue_clause(now), 0), else_=1)


def _paginate_ids(ids_query, page: int):
    """A page found as ids (a narrow sort, no joined rows carried through it), then only its rows read with
    their people: sorting the joined rows of every open request cost more than the rest of the page."""
    pagination = db.paginate(ids_query, page=page, per_page=PAGE_SIZE, error_out=False)
    if pagination.items:
        rows = {item.id: item for item in db.session.scalars(
            select(R).options(*LIST_ROWS).where(R.id.in_(pagination.items)))}
        pagination.items = [rows[ident] for ident in pagination.items if ident in rows]
    return pagination


def mine(user, page: int = 1):
    query = select(R.id).where(R.requester_id == user.id).order_by(R.created_at.desc(), R.id.desc())
    return _paginate_ids(query, page)


def inbox(department_ids, page: int = 1):
    """The open requests of the handler's departments, overdue first, then soonest due."""
    now = utcnow()
    query = (select(R.id)
             .where(R.department_id.in_(list(department_ids) or [0]), R.status.in_(OPEN_STATUSES))
             .order_by(_overdue_first(now), R.complete_due, R.id))
    return _paginate_ids(query, page)


def open_requests(page: int = 1, department_id: int | None = None):
    """Every open request for the office, by department and type, overdue first within each."""
    now = utcnow()
    query = select(R.id).where(R.status.in_(OPEN_STATUSES))
    if department_id:
        query = query.where(R.department_id == department_id)
    query = query.order_by(_overdue_first(now), R.department_id, R.type_id, R.complete_due, R.id)
    return _paginate_ids(query, page)


def hand_overs(limit: int = 20) -> list[RequestEvent]:
    """The latest hand-overs between departments, newest first: the office sees every one."""
    return list(db.session.scalars(select(RequestEvent).where(RequestEvent.kind == EventKind.HAND_OVER)
                                   .order_by(RequestEvent.id.desc()).limit(limit)))


def counts_for(department_ids) -> tuple[int, int]:
    """(open requests waiting for these departments, of them overdue), for the handler's home card."""
    if not department_ids:
        return 0, 0
    now = utcnow()
    waiting, overdue = db.session.execute(
        select(func.count(), func.count(case((overdue_clause(now), 1))))
        .where(R.department_id.in_(list(department_ids)), R.status.in_(ACTIVE_STATUSES))).one()
    return waiting, overdue


def export_rows(limit: int = 20000):
    """Every request, newest first, for the office's export (streamed in one query)."""
    return db.session.scalars(select(R).options(*LIST_ROWS).order_by(R.created_at.desc(), R.id.desc())
                              .limit(limit))
