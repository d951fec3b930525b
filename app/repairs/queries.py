"""The lists people work from (read only): mine, the maintenance queue, the office board, closed requests,
equipment history.

Each finds its page as ids, then loads those rows with their relations eager-loaded, so a page costs the
same number of queries whatever its length, and the sort never carries joined rows.
"""
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, defaultload, selectinload

from app.auth.models import User
from app.extensions import db
from app.paging import LastPageAtMost
from app.params import to_int
from app.timeutil import utcnow

from . import places, services
from .models import Category, Equipment, EventKind, Location, RepairEvent, RepairPhoto, RepairRequest, Urgency
from .rows import HistoryRow, ListRow
from .workflow import ACTIVE_STATUSES, OPEN_STATUSES, Status

PAGE_SIZE = 25
# Ten cards per column: what a phone shows in a screen or two; "show more" loads the next ten.
BOARD_COLUMN_SIZE = 10
R = RepairRequest
# Every list row shows the first photo's thumbnail: one more query per list, not one per row. A row shows
# its people's names only, so their other columns, roles and departments (loaded with every user elsewhere)
# are not fetched, and its equipment's name without the equipment's own place.
PEOPLE_BY_NAME = tuple(option for person in (R.requester, R.assignee) for option in (
    defaultload(person).load_only(User.id, User.name), defaultload(person).lazyload(User.role_rows),
    defaultload(person).lazyload(User.department)))
LIST_ROWS = (selectinload(R.photos), defaultload(R.equipment).lazyload(Equipment.location), *PEOPLE_BY_NAME)


@dataclass(frozen=True)
class Filters:
    location_id: int | None = None
    category: str = ""
    urgency: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        category, urgency = Category.of(args.get("category")), Urgency.of(args.get("urgency"))
        return cls(location_id=to_int(args.get("location")) or None,
                   category=category.value if category else "", urgency=urgency.value if urgency else "")

    def as_args(self) -> dict:
        """The filters as URL arguments, for links that must keep them."""
        args = {"location": self.location_id, "category": self.category, "urgency": self.urgency}
        return {key: value for key, value in args.items() if value}

    def clauses(self) -> list:
        chosen = [(self.location_id, R.location_id), (self.category, R.category), (self.urgency, R.urgency)]
        return [column == value for value, column in chosen if value]

    def apply(self, query):
        return query.where(*self.clauses())

    def chosen(self) -> tuple[str, ...]:
        """Which filters are set: the shape of a statement built once with their values as parameters."""
        return tuple(name for name, value in self.params().items() if value)

    def params(self) -> dict:
        return {"location_id": self.location_id, "category": self.category, "urgency": self.urgency}


def _bound_clauses(chosen: tuple[str, ...]) -> list:
    """Filters.clauses with the values left as parameters named after the filters."""
    return [getattr(R, name) == bindparam(name) for name in chosen]


def filter_options(filters: Filters) -> dict:
    """The choices of the queue's and the board's filter bar, as (value, label) pairs; the locations (some 300)
    as their drawn <option>s, the filtered one selected (places.location_options)."""
    return {"locations": places.location_options(filters.location_id),
            "categories": [(c.value, c.label) for c in Category],
            "urgencies": [(u.value, u.label) for u in Urgency]}


def overdue_clause(now):
    """SQL twin of RepairRequest.is_overdue, so lists can put overdue requests first."""
    return or_(and_(R.status == Status.SUBMITTED, R.responded_at.is_(None), R.response_due < now),
               and_(R.status.in_(ACTIVE_STATUSES), R.fix_due < func.coalesce(R.waiting_since, now)))


URGENCY_ORDER = case({Urgency.EMERGENCY.value: 0, Urgency.URGENT.value: 1}, value=R.urgency, else_=2)
# An unassigned request races its first-response time; a taken one its fix time.
DUE_ORDER = case((R.status == Status.SUBMITTED, R.response_due), else_=R.fix_due)


def rows_in_order(ids: list[int]) -> list:
    """The list rows of these requests, in the order given, with what a row shows.

    Lists find their page as ids first (a narrow sort, often from an index alone), then read only those
    rows with their people, places and photos: joining before sorting would join every candidate."""
    if not ids:
        return []
    rows = {repair.id: repair for repair in db.session.scalars(select(R).options(*LIST_ROWS).where(R.id.in_(ids)))}
    return [rows[ident] for ident in ids if ident in rows]



def _list_rows_statement():
    requester, assignee = aliased(User), aliased(User)
    first_photo = select(func.min(RepairPhoto.id)).where(RepairPhoto.repair_id == R.id).scalar_subquery()
    return (select(R.id, R.category, R.status, R.urgency, R.description, R.created_at, R.closed_at, R.response_due,
                   R.fix_due, R.responded_at, R.waiting_since, R.started_at, R.done_at, R.requester_id,
                   R.assignee_id, R.version, Location.building, Location.floor, Location.room,
                   Equipment.name, requester.name, assignee.name, first_photo)
            .join(Location, Location.id == R.location_id).join(requester, requester.id == R.requester_id)
            .outerjoin(Equipment, Equipment.id == R.equipment_id).outerjoin(assignee, assignee.id == R.assignee_id)
            .where(R.id.in_(bindparam("ids", expanding=True))))


_LIST_ROWS = cache(_list_rows_statement)


def list_rows(ids: list[int]) -> list[ListRow]:
    """The board's (columns and closed list) and the queue's rows of these requests, in the order given, as
    plain columns: loading them as ORM objects with their people and places cost as much as drawing them, and
    building the statement each time as much again."""
    if not ids:
        return []
    rows = {row[0]: row for row in _plain(_LIST_ROWS(), {"ids": ids})}
    return [ListRow(rows[ident]) for ident in ids if ident in rows]


def _plain(statement, params=None):
    """A statement's rows read through the session's connection: the board's and the queue's statements return
    plain columns (ids, counts, a row's columns), and the ORM's handling of each result (a session execute is
    about three times a connection's) cost more than reading the small ones. Read-only: nothing pending needs
    flushing first (the views write nothing before they read)."""
    return db.session.connection().execute(statement, params or {})


class _PlainPage(LastPageAtMost):
    """A page of a statement of ids (`select`), its items their list rows; ids and count read as plain rows."""

    def _query_items(self) -> list:
        ids = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return self._query_args.get("rows", list_rows)(list(_plain(ids, self._query_args.get("params")).scalars()))

    def _query_count(self) -> int:
        counted = self._query_args.get("counted")
        if counted is None:
            counted = select(func.count()).select_from(self._query_args["select"].order_by(None).subquery())
        return _plain(counted, self._query_args.get("params")).scalar_one()


def _paginate_ids(ids_query, page: int):
    """db.paginate over an id query, its items then replaced by their list rows."""
    pagination = db.paginate(ids_query, page=page, per_page=PAGE_SIZE, error_out=False)
    pagination.items = rows_in_order(pagination.items)
    return pagination


def _paginate_plain(ids_query, page: int, **statement) -> _PlainPage:
    """A page of an id query as plain list rows; `statement` may give its `params`, its ready count (`counted`)
    and what reads the page's rows from their ids (`rows`, list_rows by default)."""
    return _PlainPage(select=ids_query, page=page, per_page=PAGE_SIZE, max_per_page=None, error_out=False,
                      **statement)


def mine(user, page: int = 1):
    query = select(R.id).where(services.mine(user)).order_by(R.created_at.desc(), R.id.desc())
    return _paginate_ids(query, page)


def _queue_ids(user, filters: Filters = Filters()):
    # The ids of two branches that each have an index (status + category or urgency; assignee_id + status), the
    # filters inside each, so the database need not visit every request a technician ever handled, or every
    # request of a category, to find the few in the queue. SUBMITTED is one of the active statuses. Written as
    # one OR, SQLite (no ANALYZE statistics) drove a filtered queue from the urgency index: a third of every
    # request ever filed, three times per page (list, count, cursor).
    return _queued(user.id, filters.clauses())


def _queued(user_id, clauses: list):
    return union_all(select(R.id).where(R.status == Status.SUBMITTED, *clauses),
                     select(R.id).where(R.assignee_id == user_id, R.status.in_(ACTIVE_STATUSES), *clauses))


def _in_queue(user, filters: Filters = Filters()):
    return R.id.in_(_queue_ids(user, filters))


def queue(user, filters: Filters, page: int = 1):
    """Unassigned requests and the user's own jobs, most urgent and soonest due first."""
    ids, count = _queue_statements(filters.chosen())
    return _paginate_plain(ids, page, params={**filters.params(), "user_id": user.id}, counted=count)


@cache
def _queue_statements(chosen: tuple[str, ...]) -> tuple:
    """The queue's ids in its order, and their count, built once per set of filters (the person and the filters'
    values left as parameters)."""
    ids = select(R.id).where(R.id.in_(_queued(bindparam("user_id"), _bound_clauses(chosen))))
    return ids.order_by(URGENCY_ORDER, DUE_ORDER, R.id), select(func.count()).select_from(ids.subquery())


# Events that take a request out of everyone's unassigned pool, wherever it went.
LEAVES_THE_POOL = (EventKind.TAKE, EventKind.ASSIGN, EventKind.CANCEL)


def _queue_news(user, filters: Filters):
    """Timeline events written by someone else (or by the clock) that change what this user's queue shows:
    anything on a request in the queue now, and a request leaving the pool. The user's own steps are left
    out: their row is already up to date on their screen."""
    query = (select(RepairEvent.id).join(R, R.id == RepairEvent.repair_id)
             .where(or_(RepairEvent.actor_id.is_(None), RepairEvent.actor_id != user.id),
                    or_(_in_queue(user), RepairEvent.kind.in_(LEAVES_THE_POOL))))
    return filters.apply(query)


def queue_cursor(user, filters: Filters) -> int:
    """The newest such event when the queue is drawn; the page's poll asks whether anything came after it.

    The newest of the news as a whole is the newest of its parts, each found from an index: the events of
    the requests in the queue now (few), and per kind the newest event that took a request out of the pool.
    Asked as one condition, the database walks the whole timeline from its end (every automatic
    confirmation of an old request comes first) to find one."""
    newest = _plain(_cursor_statement(filters.chosen()), {**filters.params(), "user_id": user.id}).one()
    return max((ident or 0 for ident in newest), default=0)


@cache
def _cursor_statement(chosen: tuple[str, ...]):
    """queue_cursor's statement, built once per set of filters (the person and the filters' values left as
    parameters): building it cost more than the database's answer."""
    user_id, clauses = bindparam("user_id"), _bound_clauses(chosen)
    not_mine = or_(RepairEvent.actor_id.is_(None), RepairEvent.actor_id != user_id)
    news = select(RepairEvent.id).join(R, R.id == RepairEvent.repair_id).where(not_mine, *clauses)
    # The queue's part: the events of the requests in it, read from the (repair_id, id, actor_id) index alone
    # (migration 0036), a few per request. Asked for "newest first, one", PostgreSQL walks the timeline from its
    # end hoping to meet a queued request soon; asked per request (a correlated max), both databases ran a
    # subquery per queued request, each reading the events' rows for their actor.
    parts = [select(func.max(RepairEvent.id)).where(RepairEvent.repair_id.in_(_queued(user_id, clauses)), not_mine)]
    parts += [news.where(RepairEvent.kind == kind).order_by(RepairEvent.id.desc()).limit(1) for kind in LEAVES_THE_POOL]
    return select(*(part.scalar_subquery() for part in parts))


def queue_changed_since(user, filters: Filters, cursor: int) -> bool:
    return db.session.scalar(select(_queue_news(user, filters).where(RepairEvent.id > cursor).exists())) or False


def board(filters: Filters) -> dict:
    """Open requests per status column (overdue first, the first slice of each) and each column's full count."""
    # The first slice of every column in one statement (each column's part walks the status index), then
    # all their rows in one more: a query per column cost more in building statements than the database spent.
    chosen, params = filters.chosen(), filters.params()
    counts = dict(_plain(_column_counts(chosen), params).all())
    shown = [status for status in OPEN_STATUSES if counts.get(status)]
    firsts = _plain(first_slices(chosen, tuple(shown)), {**params, "now": utcnow()}).all() if shown else []
    rows = {repair.id: repair for repair in list_rows([ident for ident, _status in firsts])}
    columns = {status: ([], counts.get(status, 0)) for status in OPEN_STATUSES}
    for ident, status in firsts:
        columns[status][0].append(rows[ident])
    return columns


@cache
def _column_counts(chosen: tuple[str, ...]):
    """(status, count) of the open columns, built once per set of filters (their values left as parameters)."""
    return (select(R.status, func.count()).where(R.status.in_(OPEN_STATUSES), *_bound_clauses(chosen))
            .group_by(R.status))


@cache
def first_slices(chosen: tuple[str, ...], statuses: tuple):
    """(id, status) of the first BOARD_COLUMN_SIZE requests of each of these columns, in the board's order.

    Built once per set of filters and columns, their values and the time (`now`) left as parameters: building
    this union took as long as the database took to answer it."""
    order = _board_order(bindparam("now", type_=R.fix_due.type))
    slices = [select(literal(number).label("part"), R.status.label("status"),
                     *(key.label(f"key{n}") for n, key in enumerate(order)))
              .where(R.status == status, *_bound_clauses(chosen)).order_by(*order).limit(BOARD_COLUMN_SIZE).subquery()
              for number, status in enumerate(statuses)]
    both = union_all(*(select(*part.c) for part in slices)).subquery()
    keys = [both.c[f"key{n}"] for n in range(len(order))]
    # A union keeps no order of its own: the parts' sort keys come out with them and order the whole.
    return select(keys[-1], both.c.status).order_by(both.c.part, *keys)


def _board_order(now) -> tuple:
    """A column's order: overdue first, then the most urgent, then the soonest due."""
    return case((overdue_clause(now), 0), else_=1), URGENCY_ORDER, DUE_ORDER, R.id


def board_slice(filters: Filters, status: str, offset: int, now=None) -> list:
    """One column's requests from `offset` on, BOARD_COLUMN_SIZE at a time, in the board's order."""
    query = filters.apply(select(R.id).where(R.status == status))
    query = query.order_by(*_board_order(now or utcnow())).offset(offset).limit(BOARD_COLUMN_SIZE)
    return list_rows(list(db.session.scalars(query)))


def column_count(filters: Filters, status: str) -> int:
    return db.session.scalar(filters.apply(select(func.count()).select_from(R).where(R.status == status)))


def closed(filters: Filters, page: int = 1):
    # closed_at is set exactly when a request is confirmed or cancelled; filtering on it lets the
    # database walk the closed_at index newest first instead of sorting every closed request.
    # The page is found as ids first (from the index alone), then only its rows are read with their
    # people and places: skipping to page 20 then costs index entries, not 475 joined rows.
    ids, count = _closed_statements(filters.chosen())
    return _paginate_plain(ids, page, params=filters.params(), counted=count)


@cache
def _closed_statements(chosen: tuple[str, ...]) -> tuple:
    """The closed list's ids, newest first, and their count, built once per set of filters (their values left
    as parameters): building them took about as long as the database took to answer."""
    ids = select(R.id).where(R.closed_at.is_not(None), *_bound_clauses(chosen))
    return ids.order_by(R.closed_at.desc(), R.id.desc()), select(func.count()).select_from(ids.subquery())


def equipment_history(equipment_id: int, page: int = 1):
    """A page of the equipment's requests, newest first, as plain history rows: loaded as requests they came with
    their requester, place and equipment (and its place), which the history does not show."""
    return _paginate_plain(_HISTORY_IDS, page, params={"equipment_id": equipment_id}, counted=_HISTORY_COUNT,
                           rows=_history_rows)


_HISTORY_IDS = (select(R.id).where(R.equipment_id == bindparam("equipment_id"))
                .order_by(R.created_at.desc(), R.id.desc()))
_HISTORY_COUNT = select(func.count()).select_from(_HISTORY_IDS.order_by(None).subquery())
_HISTORY_ROWS = (select(R.id, R.created_at, R.status, R.description, R.done_at, R.work_notes, User.name)
                 .outerjoin(User, User.id == R.assignee_id).where(R.id.in_(bindparam("ids", expanding=True))))


def _history_rows(ids: list[int]) -> list[HistoryRow]:
    if not ids:
        return []
    rows = {row[0]: row for row in _plain(_HISTORY_ROWS, {"ids": ids})}
    return [HistoryRow.of(rows[ident]) for ident in ids if ident in rows]


def equipment_summary(equipment_id: int) -> dict:
    """How often it broke and how long fixes took, so a recurring fault shows: counted by the database, from
    each request's stored time to done (fix_seconds); reading every request the equipment ever had into Python
    made the page grow with its history."""
    count, fixed, average, longest = _plain(_EQUIPMENT_SUMMARY, {"equipment_id": equipment_id}).one()
    return {"count": count, "fixed": fixed, "average": _seconds(average), "longest": _seconds(longest)}


_EQUIPMENT_SUMMARY = (select(func.count(), func.count(R.done_at), func.avg(R.fix_seconds), func.max(R.fix_seconds))
                      .where(R.equipment_id == bindparam("equipment_id")))


def _seconds(seconds: float | None) -> timedelta | None:
    # SQLite's julianday doubles carry about a tenth of a millisecond of noise: rounded to the millisecond, a
    # whole span reads as itself (3 hours, not 2 h 59 min 59.9999 s, which is worded differently at a unit's edge).
    return None if seconds is None else timedelta(seconds=round(seconds, 3))
