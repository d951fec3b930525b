"""Revision counters: one number per topic, raised in the same transaction as every write to it.

A page that shows a feature's data names that feature's topic; its ETag (app/pagecache.py) is built
from the counters, so a browser's copy is reused exactly until something it shows has changed. The
counters live in the database, so they are right across workers and machines.

A write's topic is found from the table that was written, never from the code that wrote it, so a
new service cannot forget to raise it:
- by default the feature package its model lives in (`app.repairs.models` → "repairs");
- RULES below name the exceptions: tables no page shows (sessions, leases), tables whose rows change
  only one person's pages (a user's notifications), and columns whose change no page shows (a user's
  last sign-in time).
Bulk ORM statements (update(Model)..., delete(Model)..., insert(Model)) raise the table's fallback
topic. All topics of a transaction are raised together, in sorted order, just before it commits:
the counter rows are held only for that moment.
"""
from collections.abc import Callable, Iterable
from typing import NamedTuple

from sqlalchemy import BigInteger, String, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

PENDING = "revision_topics"


class Rule(NamedTuple):
    topics: Callable | None = None     # row -> its topics; None: the default topic
    fallback: str | None = ""          # bulk statements' topic; "": the default topic
    ignore: frozenset = frozenset()    # columns whose change no page shows
    shown: bool = True                 # False: no page shows this table


HIDDEN = Rule(shown=False)
RULES = {
    "revisions": HIDDEN, "user_sessions": HIDDEN, "login_counters": HIDDEN, "job_leases": HIDDEN,
    "form_submissions": HIDDEN, "stored_photos": HIDDEN, "search_grams": HIDDEN,
    "users": Rule(ignore=frozenset({"last_login_at", "password_hash", "session_version"})),
    "notifications": Rule(topics=lambda row: [f"notifications:{row.user_id}"], fallback="notifications"),
}


class Revision(db.Model):
    __tablename__ = "revisions"

    topic: Mapped[str] = mapped_column(String(100), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


def default_topic(cls) -> str:
    """The feature a model belongs to: app.<feature>.models → <feature>; app.<core>.py → <core>."""
    parts = cls.__module__.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def rule_of(cls) -> Rule:
    return RULES.get(cls.__tablename__, Rule())


def fallback_topic(cls) -> str | None:
    rule = rule_of(cls)
    if not rule.shown:
        return None
    return rule.fallback or default_topic(cls)


def topics_of(obj) -> list[str]:
    """What a written row changes; [] for tables no page shows."""
    rule = rule_of(type(obj))
    if not rule.shown:
        return []
    return list(rule.topics(obj)) if rule.topics else [default_topic(type(obj))]


def _shows_a_change(obj) -> bool:
    """An updated row counts unless only ignored columns changed."""
    ignored = rule_of(type(obj)).ignore
    if not ignored:
        return True
    state = inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in ignored)


def _pending(session: Session) -> set[str]:
    return session.info.setdefault(PENDING, set())


@event.listens_for(Session, "before_flush")
def _collect_row_topics(session: Session, _context, _instances) -> None:
    pending = _pending(session)
    for obj in (*session.new, *session.deleted):
        pending.update(topics_of(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False) and _shows_a_change(obj):
            pending.update(topics_of(obj))


@event.listens_for(Session, "do_orm_execute")
def _collect_bulk_topics(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    topic = fallback_topic(mapper.class_) if mapper is not None else None
    if topic:
        _pending(state.session).add(topic)


@event.listens_for(Session, "before_commit")
def _raise_before_commit(session: Session) -> None:
    session.flush()  # so the last changes' topics are collected before the counters are raised
    topics = session.info.pop(PENDING, set())
    if topics:
        bump(session.connection(), topics)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous) -> None:
    # A savepoint's rollback keeps the outer transaction's topics: raising one too many is harmless.
    if not previous.nested:
        session.info.pop(PENDING, None)


def bump(connection, topics: Iterable[str]) -> None:
    """Raise each topic's counter by one, creating it at 1; sorted so two writers lock in one order."""
    rows = [{"topic": topic, "n": 1} for topic in sorted(set(topics))]
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    table = Revision.__table__
    statement = insert(table).values(rows)
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.topic],
                                                       set_={"n": table.c.n + 1}))


def current(topics: Iterable[str]) -> dict[str, int]:
    """The counters of these topics (0 for one never written), in one query."""
    wanted = sorted(set(topics))
    table = Revision.__table__  # a Core query: the ORM's own work would double this lookup's cost
    found = dict(db.session.execute(select(table.c.topic, table.c.n).where(table.c.topic.in_(wanted))).all())
    return {topic: found.get(topic, 0) for topic in wanted}
