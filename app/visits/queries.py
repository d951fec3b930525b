"""Read-only lists: my visits, the front-desk board for today, the visitor register, a visit's history, and
the people and rooms a visit form offers. Nothing here writes."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.params import to_int, to_text
from app.timeutil import day_bounds, parse_day, today, utcnow

from .checklist import can_undo
from .models import Responsible, Room, Visit, VisitEvent, VisitStep, visit_cohosts
from .workflow import ACTIVE, StepState, VisitStatus, stored

PAGE_SIZE = 25
REGISTER_PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
STAFF = (Role.RECEPTION, Role.OFFICE)


def visible_visits(user):
    """Reception and office see every visit; anyone else the visits they host, co-host, own or requested."""
    query = select(Visit)
    if user.has_any_role(*STAFF):
        return query
    cohosted = select(visit_cohosts.c.visit_id).where(visit_cohosts.c.user_id == user.id)
    return query.where(or_(Visit.host_id == user.id, Visit.owner_id == user.id,
                           Visit.requested_by_id == user.id, Visit.id.in_(cohosted)))


def list_options():
    # Lists show the host's and owner's names: their roles and departments (loaded with every user
    # elsewhere) are not read.
    return (joinedload(Visit.host).lazyload(User.role_rows), joinedload(Visit.host).lazyload(User.department),
            joinedload(Visit.owner).lazyload(User.role_rows), joinedload(Visit.owner).lazyload(User.department),
            joinedload(Visit.room), joinedload(Visit.host_department))


def my_visits(user, show: str = "upcoming", page: int = 1):
    """The visits the user may see: upcoming ones by arrival, requests waiting, or past ones latest first."""
    query = visible_visits(user).options(*list_options(), selectinload(Visit.steps))
    if show == "requested":
        query = query.where(Visit.status == VisitStatus.REQUESTED.value).order_by(Visit.expected_arrival)
    elif show == "past":
        query = query.where(Visit.status.in_(stored((VisitStatus.COMPLETED, VisitStatus.CANCELLED)))
                            ).order_by(Visit.expected_arrival.desc())
    else:
        query = query.where(Visit.status.in_(stored(ACTIVE))).order_by(Visit.expected_arrival)
    return db.paginate(query.order_by(Visit.id), page=page, per_page=PAGE_SIZE, error_out=False)


@dataclass(frozen=True)
class OwnerSteps:
    due_today: int
    overdue: int


def owner_steps(user, visits, now: datetime) -> dict[int, OwnerSteps]:
    """The owner's own open steps on each listed visit they own: how many are overdue and how many fall due
    later today. Counted from the steps `my_visits` loads with the page in one query (not a query per row,
    nor a second one); a step already past when the visit was planned is neither, as on the visit page."""
    end_of_today = day_bounds(today())[1]
    found = {}
    for visit in visits:
        if visit.owner_id != user.id:
            continue
        mine = [s for s in visit.steps if s.responsible == Responsible.OWNER.value and s.state == StepState.OPEN.value]
        counts = OwnerSteps(due_today=sum(1 for s in mine if now <= s.due_at < end_of_today),
                            overdue=sum(1 for s in mine if s.is_overdue(now)))
        if counts.due_today or counts.overdue:
            found[visit.id] = counts
    return found


@dataclass
class Board:
    today: list
    tomorrow: list
    on_site: list
    stamp: str
    now: datetime


def _board_window(day: date):
    start, end = day_bounds(day)
    _start2, end2 = day_bounds(day + timedelta(days=1))
    return start, end, end2


def _on_board(start: datetime, end2: datetime):
    """Expected today or tomorrow (or today only, with `end2` today's end), or still in the building from an
    earlier day. A visit whose visitors have left stays in progress until its follow-up steps are done, but
    it no longer belongs on the front desk."""
    still_here = and_(Visit.status == VisitStatus.IN_PROGRESS.value, Visit.departed_at.is_(None))
    return or_(and_(Visit.expected_arrival >= start, Visit.expected_arrival < end2), still_here)


def board_stamp(day: date | None = None) -> str:
    """Changes whenever anything on the board changes (or a minute passes, for the overdue marks):
    one cheap query lets the 5-second poll answer 'nothing new' without rendering."""
    start, _end, end2 = _board_window(day or today())
    count, latest = db.session.execute(
        select(func.count(Visit.id), func.max(Visit.updated_at)).where(_on_board(start, end2))).one()
    return f"{count}.{latest:%Y%m%d%H%M%S%f}.{utcnow():%H%M}" if latest else f"0.{utcnow():%H%M}"


# What a board card asks of a step: its progress, the next step due (whose, when), overdue marks and undo.
BOARD_STEP_COLUMNS = (VisitStep.visit_id, VisitStep.position, VisitStep.title, VisitStep.responsible,
                      VisitStep.due_at, VisitStep.state, VisitStep.done_by_id, VisitStep.done_at,
                      VisitStep.late_planned)


def board(day: date | None = None) -> Board:
    """Today's visits by time (and anyone still in the building from earlier days), then tomorrow's."""
    day = day or today()
    start, end, end2 = _board_window(day)
    shown = Visit.status.in_(stored((VisitStatus.PLANNED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)))
    # Only today's cards show checklist steps; tomorrow's list shows time, company and host, so its
    # visits are read without their steps.
    expected = list(db.session.scalars(
        select(Visit).options(*list_options(), selectinload(Visit.steps).load_only(*BOARD_STEP_COLUMNS))
        .where(shown, _on_board(start, end)).order_by(Visit.expected_arrival, Visit.id)))
    tomorrow = list(db.session.scalars(
        select(Visit).options(*list_options())
        .where(Visit.status == VisitStatus.PLANNED.value, Visit.expected_arrival >= end, Visit.expected_arrival < end2)
        .order_by(Visit.expected_arrival, Visit.id)))
    return Board(today=expected, tomorrow=tomorrow, on_site=[v for v in expected if v.on_site],
                 stamp=board_stamp(day), now=utcnow())


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


def next_due(visit: Visit, responsible: str | None = None) -> VisitStep | None:
    """The open step due first, whoever does it, or only among the steps of one responsible."""
    open_steps = [s for s in visit.steps if s.state == StepState.OPEN and responsible in (None, s.responsible)]
    return min(open_steps, key=lambda s: (s.due_at, s.position)) if open_steps else None


def next_for_reception(visit: Visit) -> VisitStep | None:
    """The step the board's quick tick is for: reception never ticks the owner's or technicians' steps
    under its own name by tapping the big button."""
    return next_due(visit, "reception")


def undoable_tick(visit: Visit, user, now: datetime) -> VisitStep | None:
    """The user's latest tick on this visit that may still be taken back from the board."""
    mine = [s for s in visit.steps if can_undo(s, user, now)]
    return max(mine, key=lambda s: s.done_at) if mine else None


def overdue_steps(visit: Visit, now: datetime, responsible: str | None = None) -> list[VisitStep]:
    """The steps past due (see VisitStep.is_overdue), of everyone or only of one responsible."""
    return [s for s in visit.steps if s.is_overdue(now) and responsible in (None, s.responsible)]


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


def register_query(f: RegisterFilter, what=None):
    """Every visit, latest first, narrowed by text (organisation, visitor, purpose, host), dates and department.
    `what`: the columns to select instead of the visits with what the register shows."""
    query = select(what) if what is not None else select(Visit).options(*list_options())
    if f.q:
        contains = _contains(f"%{f.q}%")
        hosts = select(User.id).where(contains(User.name))
        query = query.where(or_(contains(Visit.organisation), contains(Visit.visitor_names),
                                contains(Visit.purpose), Visit.host_id.in_(hosts)))
    if f.date_from:
        query = query.where(Visit.expected_arrival >= day_bounds(f.date_from)[0])
    if f.date_to:
        query = query.where(Visit.expected_arrival < day_bounds(f.date_to)[1])
    if f.department_id:
        query = query.where(Visit.host_department_id == f.department_id)
    return query.order_by(Visit.expected_arrival.desc(), Visit.id.desc())


def register_page(f: RegisterFilter, page: int = 1):
    # The page is found as ids (from the arrival index), then only its visits are read with their hosts and
    # rooms: page 50 then skips index entries, not 1,225 joined rows.
    pagination = db.paginate(register_query(f, Visit.id), page=page, per_page=REGISTER_PAGE_SIZE, error_out=False)
    rows = {visit.id: visit for visit in db.session.scalars(
        select(Visit).options(*list_options()).where(Visit.id.in_(pagination.items)))} if pagination.items else {}
    pagination.items = [rows[ident] for ident in pagination.items if ident in rows]
    return pagination


def register_rows(f: RegisterFilter):
    """The filtered register for export, fetched in batches so a year of visits does not fill memory."""
    return db.session.scalars(register_query(f).limit(EXPORT_LIMIT).execution_options(yield_per=500))


def history(visit: Visit) -> list[VisitEvent]:
    """The latest 100 entries of the visit's history, newest first."""
    return list(db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)
                                   .options(joinedload(VisitEvent.user), joinedload(VisitEvent.step))
                                   .order_by(VisitEvent.created_at.desc(), VisitEvent.id.desc()).limit(100)))


# --- what a visit form offers ----------------------------------------------------------------------

def active_rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.name)))


def owner_candidates() -> list[User]:
    return users_with_role(Role.OFFICE)


def people_to_choose(department_id: int | None, keep_ids=()) -> list[User]:
    """Active employees of one department, plus the people already chosen (so a choice never vanishes):
    a company of thousands is picked department by department, not from one endless list."""
    wanted = [i for i in keep_ids if i]
    condition = User.department_id == department_id if department_id else None
    if wanted:
        condition = User.id.in_(wanted) if condition is None else or_(condition, User.id.in_(wanted))
    if condition is None:
        return []
    return list(db.session.scalars(select(User).where(User.active.is_(True), condition).order_by(User.name)))
