"""What the office's figures keep as requests are written: each request's spans (answer_seconds, done_seconds)
and the day rows of request_figure_days, so that a 30/90-day window reads a row per department, type and day
instead of every request filed in it (stats.py).

A flush listener keeps both for every request the ORM writes (filing, each workflow step, the demo, tests),
in the transaction of the write: it takes away what the request counted for before the change and adds what
it counts for now, with one atomic upsert per day row, so two requests written at once both count. A bulk
UPDATE of requests bypasses it and must not change what they count for: the auto-confirmation (jobs.py) only
closes requests already done, and a done request counts the same whether it is closed or not. Rows inserted
outside the ORM (a bulk import, the benchmark's volume) are counted by `rebuild()`, which
`flask requests rebuild-figures` runs."""
from datetime import datetime

from sqlalchemy import bindparam, delete, event, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.timeutil import utcnow

from .models import RequestFigureDay, ServiceRequest

COUNTS = ("filed", "answered", "answered_on_time", "done", "done_on_time", "answer_spans", "done_spans")
# The columns a request's figures are worked out from.
CLOCKS = ("created_at", "answered_at", "answer_due", "done_at", "complete_due", "waiting_since", "closed_at")


def counts(created_at, answered_at, answer_due, done_at, complete_due, waiting_since, closed_at) -> tuple:
    """What one request adds to its day row, in COUNTS order: what no longer changes with time (see
    RequestFigureDay). A cancelled request's answer clock stopped when it was cancelled; a completion clock
    stops while the request waits for its requester, and when it is closed."""
    answer_stopped, done_stopped = closed_at, waiting_since or closed_at
    return (1,
            int(answered_at is not None or (answer_stopped is not None and answer_due < answer_stopped)),
            int(answered_at is not None and answered_at <= answer_due),
            int(done_at is not None or (done_stopped is not None and complete_due < done_stopped)),
            int(done_at is not None and done_at <= complete_due),
            int(answered_at is not None), int(done_at is not None))


def seconds(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds()


def _before(item, name: str):
    """The value `name` had when the request was last loaded (active_history on the clocks keeps it)."""
    history = inspect(item).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(item, name)


def _figures(item, value) -> tuple:
    """(day row key, counts) of the request as `value(item, column name)` reads its columns."""
    clocks = [value(item, name) for name in CLOCKS]
    return (clocks[0].date(), value(item, "department_id"), value(item, "type_id")), counts(*clocks)


def _add(changes: dict, figures: tuple, sign: int) -> None:
    key, added = figures
    before = changes.get(key, (0,) * len(COUNTS))
    changes[key] = tuple(total + sign * n for total, n in zip(before, added, strict=True))


def _requests(items) -> list:
    return [item for item in items if isinstance(item, ServiceRequest)]


@event.listens_for(Session, "before_flush")
def _keep_spans(session: Session, _context, _instances) -> None:
    for item in _requests((*session.new, *session.dirty)):
        if item.created_at is None:
            item.created_at = utcnow()  # the column's default, which the flush would give it anyway
        item.answer_seconds = seconds(item.created_at, item.answered_at)
        item.done_seconds = seconds(item.created_at, item.done_at)


@event.listens_for(Session, "after_flush")
def _keep_day_rows(session: Session, _context) -> None:
    """After the flush, when a new request's department and type have their ids; its history still tells
    what a changed request counted for before."""
    changes: dict = {}
    for item in _requests(session.new):
        _add(changes, _figures(item, getattr), 1)
    for item in _requests(session.dirty):
        _add(changes, _figures(item, _before), -1)
        _add(changes, _figures(item, getattr), 1)
    for item in _requests(session.deleted):
        _add(changes, _figures(item, _before), -1)
    for key, delta in changes.items():
        if any(delta):
            _upsert(session, key, delta)


def _upsert(session: Session, key: tuple, delta: tuple) -> None:
    """Add `delta` to the day row of `key` (day, department, type), creating it if it is the first."""
    table = RequestFigureDay.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table).values(
        day=key[0], department_id=key[1], type_id=key[2], **dict(zip(COUNTS, delta, strict=True)))
    session.connection().execute(insert.on_conflict_do_update(
        index_elements=[table.c.day, table.c.department_id, table.c.type_id],
        set_={name: table.c[name] + insert.excluded[name] for name in COUNTS}))


def rebuild(session: Session) -> None:
    """Work out every request's spans and day rows afresh from the requests themselves, for rows inserted
    outside the ORM (the benchmark fills its volume with bulk INSERTs)."""
    R = ServiceRequest
    days: dict = {}
    spans = []
    for ident, department_id, type_id, *clocks in session.execute(
            select(R.id, R.department_id, R.type_id, *(getattr(R, name) for name in CLOCKS))):
        _add(days, ((clocks[0].date(), department_id, type_id), counts(*clocks)), 1)
        spans.append({"ident": ident, "span_answer": seconds(clocks[0], clocks[1]),
                      "span_done": seconds(clocks[0], clocks[3])})
    if spans:
        table = R.__table__
        session.execute(update(table).where(table.c.id == bindparam("ident"))
                        .values(answer_seconds=bindparam("span_answer"), done_seconds=bindparam("span_done")),
                        spans)
    session.execute(delete(RequestFigureDay))
    if days:
        session.execute(RequestFigureDay.__table__.insert(), [
            {"day": key[0], "department_id": key[1], "type_id": key[2], **dict(zip(COUNTS, counted, strict=True))}
            for key, counted in days.items()])
