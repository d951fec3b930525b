"""Read-only lists: my visits, the front-desk board for today, the visitor register, a visit's history, and
the people and rooms a visit form offers. Nothing here writes."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, func, or_, select, union
from sqlalchemy.orm import joinedload

from app import search_grams
from app.auth.models import Department, User, UserRole
from app.auth.roles import Role
from app.extensions import db
from app.i18n import current_locale_code
from app.params import to_int, to_text
from app.timeutil import day_bounds, parse_day, today, utcnow

from .models import Responsible, Room, Visit, VisitEvent, VisitStep, open_step_overdue, visit_cohosts
from .workflow import ACTIVE, StepState, VisitStatus, stored

PAGE_SIZE = 25
REGISTER_PAGE_SIZE = 50
SORT_AFTER = 1000  # matches per page shown so far, above which a search walks the register's order (register_page)
EXPORT_LIMIT = 100_000
STAFF = (Role.RECEPTION, Role.OFFICE)


def visible_visits(user):
    """Reception and office see every visit; anyone else the visits they host, co-host, own or requested."""
    query = select(Visit)
    if user.has_any_role(*STAFF):
        return query
    # One set of ids from four indexes: with an OR of the four the database walked every upcoming visit (35
    # days of the company's bookings) and tested each; the person's own visits are a few.
    own = union(*(select(Visit.id).where(column == user.id)
                  for column in (Visit.host_id, Visit.owner_id, Visit.requested_by_id)),
                select(visit_cohosts.c.visit_id).where(visit_cohosts.c.user_id == user.id))
    return query.where(Visit.id.in_(own))


def list_options():
    # Lists show the host's and owner's names: their roles and departments (loaded with every user
    # elsewhere) are not read.
    return (joinedload(Visit.host).lazyload(User.role_rows), joinedload(Visit.host).lazyload(User.department),
            joinedload(Visit.owner).lazyload(User.role_rows), joinedload(Visit.owner).lazyload(User.department),
            joinedload(Visit.room), joinedload(Visit.host_department))


def my_visits(user, show: str = "upcoming", page: int = 1):
    """The visits the user may see: upcoming ones by arrival, requests waiting, or past ones latest first.
    Their checklists are not loaded: the list shows counts (`step_counts`) and the owner's own steps."""
    query = visible_visits(user).with_only_columns(Visit.id)
    if show == "requested":
        query = query.where(Visit.status == VisitStatus.REQUESTED.value).order_by(Visit.expected_arrival)
    elif show == "past":
        query = query.where(Visit.status.in_(stored((VisitStatus.COMPLETED, VisitStatus.CANCELLED)))
                            ).order_by(Visit.expected_arrival.desc())
    else:
        query = query.where(Visit.status.in_(stored(ACTIVE))).order_by(Visit.expected_arrival)
    return _page_of_ids(query.order_by(Visit.id), page, PAGE_SIZE)


def _page_of_ids(ids_query, page: int, per_page: int, total: int | None = None, read=None):
    """The page found as ids (from the status and arrival index: sorting 2,000 upcoming visits' index entries,
    not 2,000 joined rows), then only its visits read with their hosts, owners and rooms, in the page's order.
    `total`: the count when the caller has it already; `read`: ids -> {id: row}, in place of the visits."""
    pagination = db.paginate(ids_query, page=page, per_page=per_page, error_out=False, count=total is None)
    if total is not None:
        pagination.total = total
    rows = (read or _visits_by_id)(pagination.items) if pagination.items else {}
    pagination.items = [rows[ident] for ident in pagination.items if ident in rows]
    return pagination


def _visits_by_id(ids) -> dict:
    return {visit.id: visit for visit in db.session.scalars(select(Visit).options(*list_options())
                                                              .where(Visit.id.in_(ids)))}


class RegisterVisit(NamedTuple):
    """A register row as the columns it writes, with its host's name and its department's name in the page's
    language: read as rows, not as 50 visits with their hosts, owners, rooms and departments (a quarter of the
    page's cost at full scale). It answers `names` and `shown_status` by the Visit's own rules."""
    id: int
    status: str
    organisation: str
    visitor_names: str
    visitor_count: int
    expected_arrival: datetime
    arrived_at: datetime | None
    departed_at: datetime | None
    host_name: str
    department_name: str | None

    names = property(Visit.names.fget)
    shown_status = property(Visit.shown_status.fget)


def _register_rows_by_id(ids) -> dict:
    department_name = Department.name_zh if current_locale_code().startswith("zh") else Department.name_en
    rows = db.session.execute(
        select(Visit.id, Visit.status, Visit.organisation, Visit.visitor_names, Visit.visitor_count,
               Visit.expected_arrival, Visit.arrived_at, Visit.departed_at, User.name, department_name)
        .join(Visit.host).outerjoin(Visit.host_department).where(Visit.id.in_(ids)))
    return {row[0]: RegisterVisit(*row) for row in rows}


class StepCount(NamedTuple):
    done: int
    total: int


@cache
def _step_counts_statement():
    """Built once, as the board's other statements (board_cards._shown_steps_statement)."""
    return (select(VisitStep.visit_id, func.count(case((VisitStep.state != StepState.OPEN.value, 1))), func.count())
            .where(VisitStep.visit_id.in_(bindparam("ids", expanding=True))).group_by(VisitStep.visit_id))


def step_counts(visit_ids) -> dict[int, StepCount]:
    """Each visit's checklist progress (steps done or skipped, of all), counted by the database: a list shows
    the two numbers, not the steps."""
    if not visit_ids:
        return {}
    rows = db.session.execute(_step_counts_statement(), {"ids": list(visit_ids)})
    counts = dict.fromkeys(visit_ids, StepCount(0, 0))  # a visit without steps has no row
    counts.update((visit_id, StepCount(done, total)) for visit_id, done, total in rows)
    return counts


@dataclass(frozen=True)
class OwnerSteps:
    due_today: int
    overdue: int


def owner_steps(user, visits, now: datetime) -> dict[int, OwnerSteps]:
    """The owner's own open steps on each listed visit they own: how many are overdue and how many fall due
    later today. Read in one query, only those steps and only their times (not a query per row, nor every
    step of the page); a step already past when the visit was planned is neither, as on the visit page."""
    departed = {visit.id: visit.departed_at for visit in visits if visit.owner_id == user.id}
    if not departed:
        return {}
    end_of_today = day_bounds(today())[1]
    steps = db.session.execute(select(VisitStep.visit_id, VisitStep.due_at, VisitStep.late_planned).where(
        VisitStep.visit_id.in_(departed), VisitStep.responsible == Responsible.OWNER.value,
        VisitStep.state == StepState.OPEN.value))
    by_visit = {}
    for visit_id, due_at, late_planned in steps:
        by_visit.setdefault(visit_id, []).append((due_at, late_planned))
    found = {}
    for visit_id, mine in by_visit.items():
        counts = OwnerSteps(due_today=sum(1 for due_at, _late in mine if now <= due_at < end_of_today),
                            overdue=sum(1 for due_at, late in mine
                                        if open_step_overdue(due_at, late, departed[visit_id], now)))
        if counts.due_today or counts.overdue:
            found[visit_id] = counts
    return found


@dataclass
class Board:
    today: list
    tomorrow: list
    on_site: list
    stamp: str


def _board_window(day: date):
    start, end = day_bounds(day)
    _start2, end2 = day_bounds(day + timedelta(days=1))
    return start, end, end2


def _on_board(start: datetime, end2: datetime):
    """Expected today or tomorrow, or still in the building from an earlier day. A visit whose visitors have
    left stays in progress until its follow-up steps are done, but it no longer belongs on the front desk."""
    still_here = and_(Visit.status == VisitStatus.IN_PROGRESS.value, Visit.departed_at.is_(None))
    return or_(and_(Visit.expected_arrival >= start, Visit.expected_arrival < end2), still_here)


def board_stamp(day: date | None = None) -> str:
    """Changes whenever anything on the board changes (or a minute passes, for the overdue marks):
    one cheap query lets the 5-second poll answer 'nothing new' without rendering."""
    start, _end, end2 = _board_window(day or today())
    count, latest = db.session.execute(
        select(func.count(Visit.id), func.max(Visit.updated_at)).where(_on_board(start, end2))).one()
    return _stamp(count, latest)


def _stamp(count: int, latest: datetime | None) -> str:
    """The board's stamp from how many visits it covers (`_on_board` until tomorrow's end, of any status) and
    when the latest of them changed; `board` works it out from the visits it reads, the poll by a count."""
    return f"{count}.{latest:%Y%m%d%H%M%S%f}.{utcnow():%H%M}" if latest else f"0.{utcnow():%H%M}"


class BoardVisit(NamedTuple):
    """A front-desk card's visit as the columns a card writes, with its host's and room's names: read as rows,
    not as 50 visits with their hosts and rooms (half the cost of the board's reading). It answers what a
    card asks of a Visit (`names`, `on_site`, `shown_status`) by the Visit's own rules."""
    id: int
    status: str
    organisation: str
    visitor_names: str
    visitor_count: int
    expected_arrival: datetime
    expected_departure: datetime
    arrived_at: datetime | None
    departed_at: datetime | None
    vip: bool
    licence_plates: str
    reception_note: str
    host_id: int
    owner_id: int | None
    host_name: str
    room_name: str
    updated_at: datetime

    names = property(Visit.names.fget)
    on_site = property(Visit.on_site.fget)
    shown_status = property(Visit.shown_status.fget)


BOARD_VISIT_COLUMNS = (Visit.id, Visit.status, Visit.organisation, Visit.visitor_names, Visit.visitor_count,
                       Visit.expected_arrival, Visit.expected_departure, Visit.arrived_at, Visit.departed_at,
                       Visit.vip, Visit.licence_plates, Visit.reception_note, Visit.host_id, Visit.owner_id,
                       User.name, func.coalesce(Room.name, Visit.room_text), Visit.updated_at)
ON_THE_CARDS = frozenset(stored((VisitStatus.PLANNED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)))


def _board_visits_statement(*conditions):
    """The visits meeting the conditions as cards read them, by expected arrival."""
    return (select(*BOARD_VISIT_COLUMNS).join(Visit.host).outerjoin(Visit.room)
            .where(*conditions).order_by(Visit.expected_arrival, Visit.id))


@cache
def _covered_statement():
    """The board's visits (`_on_board` from `start` to `end2`), built once: building it anew cost half of
    what running it does."""
    moment = Visit.expected_arrival.type
    return _board_visits_statement(_on_board(bindparam("start", type_=moment), bindparam("end2", type_=moment)))


def board_visit(visit_id: int) -> BoardVisit:
    """One visit's card, after an action taken on it on the board."""
    return BoardVisit(*db.session.execute(_board_visits_statement(Visit.id == visit_id)).one())


def board(day: date | None = None) -> Board:
    """Today's visits by time (and anyone still in the building from earlier days) as cards read them, then
    tomorrow's planned ones, and the board's stamp: all from one read of the visits the stamp covers (three
    statements before, each costing more to build and run than sorting out a hundred rows here). Their
    checklists are read by `board_cards.board_facts`, for today's cards only."""
    start, end, end2 = _board_window(day or today())
    covered = [BoardVisit(*row) for row in db.session.execute(_covered_statement(), {"start": start, "end2": end2})]
    expected = [visit for visit in covered if visit.status in ON_THE_CARDS
                and (start <= visit.expected_arrival < end or (visit.status == VisitStatus.IN_PROGRESS
                                                              and visit.departed_at is None))]
    tomorrow = [visit for visit in covered
                if visit.status == VisitStatus.PLANNED and end <= visit.expected_arrival < end2]
    return Board(today=expected, tomorrow=tomorrow, on_site=[v for v in expected if v.on_site],
                 stamp=_stamp(len(covered), max((visit.updated_at for visit in covered), default=None)))


@dataclass(frozen=True)
class BoardCounts:
    today: int
    on_site: int
    tomorrow: int


def board_counts(day: date | None = None) -> BoardCounts:
    """The board's three list lengths (home card), counted by the database instead of loading the visits."""
    start, end, end2 = _board_window(day or today())
    shown = Visit.status.in_(stored((VisitStatus.PLANNED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)))
    expected = Visit.expected_arrival < end
    on_site = and_(expected, Visit.arrived_at.is_not(None), Visit.departed_at.is_(None))
    tomorrow = and_(Visit.expected_arrival >= end, Visit.status == VisitStatus.PLANNED.value)
    counted = [func.count(case((condition, 1))) for condition in (expected, on_site, tomorrow)]
    counts = db.session.execute(select(*counted).where(shown, _on_board(start, end2))).one()
    return BoardCounts(*counts)


@dataclass
class RegisterFilter:
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    department_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "RegisterFilter":
        return cls(q=to_text(args.get("q")), date_from=parse_day(args.get("from")),
                   date_to=parse_day(args.get("to")), department_id=to_int(args.get("department")))


def _contains(like: str):
    """A case-insensitive LIKE. SQLite's own LIKE already ignores case (for the ASCII letters, as its lower()
    does), so there ilike's lower() on both sides only doubles the cost of a search through every visit."""
    if db.session.get_bind().dialect.name == "sqlite":
        return lambda column: column.like(like)
    return lambda column: column.ilike(like)


def _text_in_visit(contains):
    return or_(contains(Visit.organisation), contains(Visit.visitor_names), contains(Visit.purpose))


def _hosted(q: str, contains, grams: bool = True):
    """The visit's host's name matches: by the users' grams, and LIKE unless the gram decides."""
    if not grams:
        return Visit.host_id.in_(select(User.id).where(contains(User.name)))
    host_grams = search_grams.holding(User, q, wildcards=True)
    decided = search_grams.decides(q, wildcards=True)
    return Visit.host_id.in_(select(User.id).where(host_grams if decided else and_(host_grams, contains(User.name))))


def text_matches(q: str, grams: bool = True, probe: bool = False):
    """The text in the organisation, a visitor's name, the purpose or the host's name. The text is a LIKE
    pattern as typed (% and _ are wildcards), so the grams are those of the runs between them: only the rows
    holding them (an index) are matched with LIKE, and a one- or two-character Chinese text by its gram alone.
    `grams=False`: LIKE alone, what a search matches. `probe`: see search_grams.holding."""
    contains = _contains(f"%{q}%")
    visit_grams = search_grams.holding(Visit, q, wildcards=True, probe=probe) if grams else None
    if visit_grams is None:
        return or_(_text_in_visit(contains), _hosted(q, contains, grams=False))
    if probe:
        decided = search_grams.decides(q, wildcards=True)
        return or_(visit_grams if decided else and_(visit_grams, _text_in_visit(contains)), _hosted(q, contains))
    return Visit.id.in_(matching_ids(q))


def matching_ids(q: str):
    """The ids of the visits the text matches, as one set from two indexes (the grams', the hosts'): with an
    OR of the two PostgreSQL reads every visit. None when the text is only wildcards."""
    contains = _contains(f"%{q}%")
    visit_grams = search_grams.holding(Visit, q, wildcards=True)
    if visit_grams is None:
        return None
    found = (search_grams.postings(Visit, q) if search_grams.decides(q, wildcards=True)
             else select(Visit.id).where(visit_grams, _text_in_visit(contains)).correlate(None))
    return union(found, select(Visit.id).where(_hosted(q, contains)).correlate(None))


def register_query(f: RegisterFilter, what=None, probe: bool = False):
    """Every visit, latest first, narrowed by text (organisation, visitor, purpose, host), dates and department.
    `what`: the columns to select instead of the visits with what the register shows."""
    query = select(what) if what is not None else select(Visit).options(*list_options())
    if f.q:
        query = query.where(text_matches(f.q, probe=probe))
    if f.date_from:
        query = query.where(Visit.expected_arrival >= day_bounds(f.date_from)[0])
    if f.date_to:
        query = query.where(Visit.expected_arrival < day_bounds(f.date_to)[1])
    if f.department_id:
        query = query.where(Visit.host_department_id == f.department_id)
    return query.order_by(Visit.expected_arrival.desc(), Visit.id.desc())


def register_page(f: RegisterFilter, page: int = 1):
    # Page 50 then skips index entries, not 1,225 joined rows.
    if not f.q:
        return _page_of_ids(register_query(f, Visit.id), page, REGISTER_PAGE_SIZE, read=_register_rows_by_id)
    # A search is counted first: a few matches are read and sorted (about a millisecond for 1,000), many are
    # found walking the arrival index newest first, each probed in the grams, which stops after the page.
    total = _count(f)
    ids = register_query(f, Visit.id, probe=total > SORT_AFTER * page)
    return _page_of_ids(ids, page, REGISTER_PAGE_SIZE, total=total, read=_register_rows_by_id)


def _count(f: RegisterFilter) -> int:
    """How many visits the filter finds. A search alone is counted from the indexes (its set of ids), without
    reading a visit: looking up each of 1,300 visits to count them cost 2 ms at full scale."""
    ids = matching_ids(f.q) if not (f.date_from or f.date_to or f.department_id) else None
    if ids is None:
        ids = register_query(f, Visit.id).order_by(None)
    return db.session.scalar(select(func.count()).select_from(ids.subquery()))


def register_rows(f: RegisterFilter):
    """The filtered register for export, fetched in batches so a year of visits does not fill memory."""
    return db.session.scalars(register_query(f).limit(EXPORT_LIMIT).execution_options(yield_per=500))


def history(visit: Visit) -> list[VisitEvent]:
    """The latest 100 entries of the visit's history, newest first."""
    return list(db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)
                                   .options(joinedload(VisitEvent.user).lazyload(User.role_rows),
                                            joinedload(VisitEvent.step))
                                   .order_by(VisitEvent.created_at.desc(), VisitEvent.id.desc()).limit(100)))


# --- what a visit form offers ----------------------------------------------------------------------

class Named(NamedTuple):
    """Someone or something in a choice list: its id and what the list shows of it."""
    id: int
    name: str


def active_rooms() -> list[Named]:
    return [Named(*row) for row in db.session.execute(
        select(Room.id, Room.name).where(Room.active.is_(True)).order_by(Room.name))]


def owner_candidates() -> list[Named]:
    """Active office staff by name, as ids and names: not 60 whole users with their roles (the owner lists
    show names only)."""
    rows = db.session.execute(select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
                              .where(User.active.is_(True), UserRole.role == Role.OFFICE.value).order_by(User.name))
    return [Named(*row) for row in rows]


def people_to_choose(department_id: int | None, keep_ids=()) -> list[Named]:
    """Active employees of one department, plus the people already chosen (so a choice never vanishes):
    a company of thousands is picked department by department, not from one endless list. Read as names and
    their departments' names only, not as whole users with their roles (a department is 200 people, listed
    twice), and shown as "name · department" in the page's language, looked up once."""
    wanted = [i for i in keep_ids if i]
    condition = User.department_id == department_id if department_id else None
    if wanted:
        condition = User.id.in_(wanted) if condition is None else or_(condition, User.id.in_(wanted))
    if condition is None:
        return []
    department_name = Department.name_zh if current_locale_code().startswith("zh") else Department.name_en
    rows = db.session.execute(select(User.id, User.name, department_name).outerjoin(User.department)
                              .where(User.active.is_(True), condition).order_by(User.name))
    return [Named(ident, f"{name} · {department}" if department is not None else name)
            for ident, name, department in rows]
