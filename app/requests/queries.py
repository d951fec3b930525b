"""The lists people work from (read only): my requests, a department's inbox, the office's open list,
the hand-overs, and the export. Each list finds its page as ids, then reads those rows with their relations
eager-loaded."""
from functools import cache

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased, defaultload

from app.auth.models import Department, User
from app.extensions import db
from app.timeutil import utcnow

from .models import EventKind, RequestEvent, RequestType, ServiceRequest
from .rows import HandOver, ListRow
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


@cache
def _list_rows_statement():
    """Built once: building it per page cost as much as running it."""
    requester, handler = aliased(User), aliased(User)
    return (select(R.id, R.status, R.text, R.created_at, R.answer_due, R.answered_at, R.complete_due, R.waiting_since,
                   RequestType.name_zh, RequestType.name_en, Department.name_zh, Department.name_en, requester.name,
                   handler.name)
            .join(RequestType, RequestType.id == R.type_id).join(Department, Department.id == R.department_id)
            .join(requester, requester.id == R.requester_id).outerjoin(handler, handler.id == R.handler_id)
            .where(R.id.in_(bindparam("ids", expanding=True))))


def list_rows(ids: list[int]) -> list[ListRow]:
    """The list rows of these requests, in the order given, as plain columns (rows.ListRow): loading them as
    requests with their type, department and people cost more than drawing them."""
    if not ids:
        return []
    rows = {row[0]: row for row in db.session.execute(_list_rows_statement(), {"ids": ids})}
    return [ListRow(rows[ident]) for ident in ids if ident in rows]


def _paginate_ids(ids_query, page: int):
    """A page found as ids (a narrow sort, no joined rows carried through it), then only its rows read as plain
    columns: sorting the joined rows of every open request cost more than the rest of the page."""
    pagination = db.paginate(ids_query, page=page, per_page=PAGE_SIZE, error_out=False)
    pagination.items = list_rows(pagination.items)
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


@cache
def _hand_overs_statement():
    source, target = aliased(Department), aliased(Department)
    return (select(RequestEvent.request_id, source.name_zh, source.name_en, target.name_zh, target.name_en, User.name,
                   RequestEvent.created_at, RequestEvent.note)
            .outerjoin(source, source.id == RequestEvent.from_department_id)
            .outerjoin(target, target.id == RequestEvent.to_department_id)
            .outerjoin(User, User.id == RequestEvent.actor_id)
            .where(RequestEvent.kind == EventKind.HAND_OVER).order_by(RequestEvent.id.desc()).limit(bindparam("limit")))


def hand_overs(limit: int = 20) -> list[HandOver]:
    """The latest hand-overs between departments, newest first: the office sees every one. Read as the columns
    the list shows (rows.HandOver) by a statement built once, not as events with their people and departments."""
    return [HandOver.of(row) for row in db.session.execute(_hand_overs_statement(), {"limit": limit})]


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
