"""The lists people work from (read only): mine, the maintenance queue, the office board, closed requests,
equipment history.

Each finds its page as ids, then loads those rows with their relations eager-loaded, so a page costs the
same number of queries whatever its length, and the sort never carries joined rows.
"""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import defaultload, selectinload

from app.auth.models import User
from app.extensions import db
from app.params import to_int
from app.timeutil import utcnow

from . import places, services
from .models import Category, Equipment, EventKind, RepairEvent, RepairRequest, Urgency
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


def filter_options() -> dict:
    """The choices of the queue's and the board's filter bar, as (value, label) pairs."""
    return {"locations": places.location_choices(),
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


def _paginate_ids(ids_query, page: int):
    """db.paginate over an id query, its items then replaced by their list rows."""
    pagination = db.paginate(ids_query, page=page, per_page=PAGE_SIZE, error_out=False)
    pagination.items = rows_in_order(pagination.items)
    return pagination


def mine(user, page: int = 1):
    query = select(R.id).where(services.mine(user)).order_by(R.created_at.desc(), R.id.desc())
    return _paginate_ids(query, page)


def _in_queue(user, filters: Filters = Filters()):
    # Written as two branches that each have an index (status + category; assignee_id + status), the
    # filters repeated inside each, so the database need not visit every request a technician ever handled,
    # or every request of a category, to find the few in the queue. SUBMITTED is one of the active statuses.
    chosen = filters.clauses()
    return or_(and_(R.status == Status.SUBMITTED, *chosen),
               and_(R.assignee_id == user.id, R.status.in_(ACTIVE_STATUSES), *chosen))


def queue(user, filters: Filters, page: int = 1):
    """Unassigned requests and the user's own jobs, most urgent and soonest due first."""
    query = select(R.id).where(_in_queue(user, filters)).order_by(URGENCY_ORDER, DUE_ORDER, R.id)
    return _paginate_ids(query, page)


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
    not_mine = or_(RepairEvent.actor_id.is_(None), RepairEvent.actor_id != user.id)
    news = select(RepairEvent.id).join(R, R.id == RepairEvent.repair_id).where(not_mine)
    # The queue's part request by request (its newest event, from the repair_id index), then the newest of
    # those: asked for "newest first, one", PostgreSQL walks the timeline from its end hoping to meet a
    # queued request soon, and asked for a join it reads the whole timeline into a hash.
    newest_of_each = (select(func.max(RepairEvent.id)).where(RepairEvent.repair_id == R.id, not_mine)
                      .correlate(R).scalar_subquery())
    per_request = select(newest_of_each.label("newest")).where(_in_queue(user, filters)).subquery()
    parts = [select(func.max(per_request.c.newest))]
    parts += [filters.apply(news.where(RepairEvent.kind == kind)).order_by(RepairEvent.id.desc()).limit(1)
              for kind in LEAVES_THE_POOL]
    newest = db.session.execute(select(*(part.scalar_subquery() for part in parts))).one()
    return max((ident or 0 for ident in newest), default=0)


def queue_changed_since(user, filters: Filters, cursor: int) -> bool:
    return db.session.scalar(select(_queue_news(user, filters).where(RepairEvent.id > cursor).exists())) or False


def board(filters: Filters) -> dict:
    """Open requests per status column (overdue first, the first slice of each) and each column's full count."""
    # The first slice of every column in one statement (each column's part walks the status index), then
    # all their rows in one more: a query per column cost more in building statements than the database spent.
    counts = dict(db.session.execute(filters.apply(
        select(R.status, func.count()).where(R.status.in_(OPEN_STATUSES)).group_by(R.status))).all())
    shown = [status for status in OPEN_STATUSES if counts.get(status)]
    firsts = db.session.execute(first_slices(filters, shown, utcnow())).all() if shown else []
    rows = {repair.id: repair for repair in rows_in_order([ident for ident, _status in firsts])}
    columns = {status: ([], counts.get(status, 0)) for status in OPEN_STATUSES}
    for ident, status in firsts:
        columns[status][0].append(rows[ident])
    return columns


def first_slices(filters: Filters, statuses: list, now):
    """(id, status) of the first BOARD_COLUMN_SIZE requests of each of these columns, in the board's order."""
    order = _board_order(now)
    slices = [filters.apply(select(literal(number).label("part"), R.status.label("status"),
                                   *(key.label(f"key{n}") for n, key in enumerate(order)))
                            .where(R.status == status)).order_by(*order).limit(BOARD_COLUMN_SIZE).subquery()
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
    return rows_in_order(list(db.session.scalars(query)))


def column_count(filters: Filters, status: str) -> int:
    return db.session.scalar(filters.apply(select(func.count()).select_from(R).where(R.status == status)))


def closed(filters: Filters, page: int = 1):
    # closed_at is set exactly when a request is confirmed or cancelled; filtering on it lets the
    # database walk the closed_at index newest first instead of sorting every closed request.
    # The page is found as ids first (from the index alone), then only its rows are read with their
    # people and places: skipping to page 20 then costs index entries, not 475 joined rows.
    ids = filters.apply(select(R.id).where(R.closed_at.is_not(None)))
    return _paginate_ids(ids.order_by(R.closed_at.desc(), R.id.desc()), page)


def equipment_history(equipment_id: int, page: int = 1):
    query = (select(R).options(*PEOPLE_BY_NAME).where(R.equipment_id == equipment_id)
             .order_by(R.created_at.desc(), R.id.desc()))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def equipment_summary(equipment_id: int) -> dict:
    """How often it broke and how long fixes took, so a recurring fault shows."""
    rows = db.session.execute(select(R.created_at, R.done_at).where(R.equipment_id == equipment_id)).all()
    durations = [done - created for created, done in rows if done]
    return {"count": len(rows), "fixed": len(durations),
            "average": sum(durations, start=durations[0] * 0) / len(durations) if durations else None,
            "longest": max(durations) if durations else None}
