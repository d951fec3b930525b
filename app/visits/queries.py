"""The lists of visits: my visits, the front-desk board for today, and the visitor register."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from app.timeutil import to_local, to_utc, utcnow

from . import checklist
from .models import Visit, VisitStep
from .services import ACTIVE, list_options, visible_visits

PAGE_SIZE = 25
REGISTER_PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The office-time-zone day as naive UTC [start, end)."""
    start = to_utc(datetime.combine(day, time.min))
    return start, to_utc(datetime.combine(day + timedelta(days=1), time.min))


def local_today() -> date:
    return to_local(utcnow()).date()


def my_visits(user, show: str = "upcoming", page: int = 1):
    """The visits the user may see: upcoming ones by arrival, requests waiting, or past ones latest first."""
    query = visible_visits(user).options(*list_options(), selectinload(Visit.steps))
    if show == "requested":
        query = query.where(Visit.status == "requested").order_by(Visit.expected_arrival)
    elif show == "past":
        query = query.where(Visit.status.in_(("completed", "cancelled"))).order_by(Visit.expected_arrival.desc())
    else:
        query = query.where(Visit.status.in_(ACTIVE)).order_by(Visit.expected_arrival)
    return db.paginate(query.order_by(Visit.id), page=page, per_page=PAGE_SIZE, error_out=False)


@dataclass
class Board:
    today: list
    tomorrow: list
    on_site: list
    stamp: str
    now: datetime


def _board_window(day: date):
    start, end = local_day_bounds(day)
    _start2, end2 = local_day_bounds(day + timedelta(days=1))
    return start, end, end2


def _on_board(start: datetime, end2: datetime):
    """Expected today or tomorrow, or still in the building from an earlier day. A visit whose visitors have
    left stays in progress until its follow-up steps are done, but it no longer belongs on the front desk."""
    still_here = and_(Visit.status == "in_progress", Visit.departed_at.is_(None))
    return or_(and_(Visit.expected_arrival >= start, Visit.expected_arrival < end2), still_here)


def board_stamp(day: date | None = None) -> str:
    """Changes whenever anything on the board changes (or a minute passes, for the overdue marks):
    one cheap query lets the 5-second poll answer 'nothing new' without rendering."""
    start, _end, end2 = _board_window(day or local_today())
    count, latest = db.session.execute(
        select(func.count(Visit.id), func.max(Visit.updated_at)).where(_on_board(start, end2))).one()
    return f"{count}.{latest:%Y%m%d%H%M%S%f}.{utcnow():%H%M}" if latest else f"0.{utcnow():%H%M}"


def board(day: date | None = None) -> Board:
    """Today's visits by time (and anyone still in the building from earlier days), then tomorrow's."""
    day = day or local_today()
    start, end, end2 = _board_window(day)
    shown = Visit.status.in_(("planned", "in_progress", "completed"))
    query = (select(Visit).options(*list_options(), selectinload(Visit.steps))
             .where(shown, _on_board(start, end2))
             .order_by(Visit.expected_arrival, Visit.id))
    visits = list(db.session.scalars(query))
    today = [v for v in visits if v.expected_arrival < end]
    tomorrow = [v for v in visits if v.expected_arrival >= end and v.status == "planned"]
    return Board(today=today, tomorrow=tomorrow, on_site=[v for v in today if v.on_site],
                 stamp=board_stamp(day), now=utcnow())


def next_due(visit: Visit, responsible: str | None = None) -> VisitStep | None:
    """The open step due first, whoever does it, or only among the steps of one responsible."""
    open_steps = [s for s in visit.steps if s.state == "open" and responsible in (None, s.responsible)]
    return min(open_steps, key=lambda s: (s.due_at, s.position)) if open_steps else None


def next_for_reception(visit: Visit) -> VisitStep | None:
    """The step the board's quick tick is for: reception never ticks the owner's or technicians' steps
    under its own name by tapping the big button."""
    return next_due(visit, "reception")


def undoable_tick(visit: Visit, user, now: datetime) -> VisitStep | None:
    """The user's latest tick on this visit that may still be taken back from the board."""
    mine = [s for s in visit.steps if checklist.can_undo(s, user, now)]
    return max(mine, key=lambda s: s.done_at) if mine else None


@dataclass
class RegisterFilter:
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    department_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "RegisterFilter":
        return cls(q=args.get("q", "").strip()[:100], date_from=_parse_date(args.get("from")),
                   date_to=_parse_date(args.get("to")), department_id=args.get("department", type=int))


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def register_query(f: RegisterFilter):
    """Every visit, latest first, narrowed by text (organisation, visitor, purpose, host), dates and department."""
    query = select(Visit).options(*list_options())
    if f.q:
        like = f"%{f.q}%"
        hosts = select(User.id).where(User.name.ilike(like))
        query = query.where(or_(Visit.organisation.ilike(like), Visit.visitor_names.ilike(like),
                                Visit.purpose.ilike(like), Visit.host_id.in_(hosts)))
    if f.date_from:
        query = query.where(Visit.expected_arrival >= local_day_bounds(f.date_from)[0])
    if f.date_to:
        query = query.where(Visit.expected_arrival < local_day_bounds(f.date_to)[1])
    if f.department_id:
        query = query.where(Visit.host_department_id == f.department_id)
    return query.order_by(Visit.expected_arrival.desc(), Visit.id.desc())


def register_page(f: RegisterFilter, page: int = 1):
    return db.paginate(register_query(f), page=page, per_page=REGISTER_PAGE_SIZE, error_out=False)


def register_rows(f: RegisterFilter):
    """The filtered register for export, fetched in batches so a year of visits does not fill memory."""
    return db.session.scalars(register_query(f).limit(EXPORT_LIMIT).execution_options(yield_per=500))
