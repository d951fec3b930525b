"""Sign-in limits that hold under any concurrency: each attempt takes a slot *before* the password is
checked, with one atomic statement (an upsert in the database, or INCR in Redis), so 32 parallel
guesses get at most the limit's worth of password checks.

Three counters, so that the limit is not a free way to lock someone out:
- a name from one address (LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW): a stranger guessing the director's
  password from one machine blocks only that machine for that name;
- one address over all names (LOGIN_RATE_LIMIT_PER_ADDRESS per window): one machine trying many names;
- one name over all addresses (LOGIN_RATE_LIMIT_PER_NAME per hour): a distributed guesser. A device on
  which that person signed in before (a signed cookie) skips this ceiling, so its owner still gets in.
"""
from datetime import datetime, timedelta

import redis
from flask import current_app
from sqlalchemy import String, case, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

NAME_WINDOW = 3600


class LoginCounter(db.Model):
    """Attempts under one key in its current fixed window."""
    __tablename__ = "login_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int]


def _redis():
    url = current_app.config["REDIS_URL"]
    if not url:
        return None
    client = current_app.extensions.get("officehub_redis")
    if client is None:
        client = current_app.extensions["officehub_redis"] = redis.Redis.from_url(url)
    return client


def _name(login: str) -> str:
    return login.strip().lower()[:100]


def _counters(login: str, address: str, known_device: bool) -> list[tuple[str, int, int]]:
    config = current_app.config
    window = int(config["LOGIN_RATE_WINDOW"])
    counters = [(f"pair:{_name(login)}|{address or '-'}", int(config["LOGIN_RATE_LIMIT"]), window),
                (f"ip:{address or '-'}", int(config["LOGIN_RATE_LIMIT_PER_ADDRESS"]), window)]
    if not known_device:
        counters.append((f"name:{_name(login)}", int(config["LOGIN_RATE_LIMIT_PER_NAME"]), NAME_WINDOW))
    return counters


def _take_db(key: str, window: int) -> int:
    """Count one more attempt under `key` and return the count, in one atomic statement."""
    now = utcnow()
    expired = LoginCounter.window_start < now - timedelta(seconds=window)
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginCounter).values(key=key, window_start=now, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginCounter.key],
        set_={"count": case((expired, 1), else_=LoginCounter.count + 1),
              "window_start": case((expired, now), else_=LoginCounter.window_start)},
    ).returning(LoginCounter.count)
    return db.session.execute(statement).scalar_one()


def take_attempt(login: str, address: str, known_device: bool = False) -> bool:
    """Take a slot for one sign-in attempt; False when any counter is over its limit (then no password
    may be checked). Committed at once, so parallel attempts see each other."""
    counters = _counters(login, address, known_device)
    client = _redis()
    if client is not None:
        pipe = client.pipeline()
        for key, _limit, window in counters:
            pipe.incr(f"officehub:login:{key}")
            pipe.expire(f"officehub:login:{key}", window, nx=True)
        counts = pipe.execute()[::2]
    else:
        counts = [_take_db(key, window) for key, _limit, window in counters]
        db.session.commit()
    return all(count <= limit for count, (_key, limit, _window) in zip(counts, counters, strict=True))


def forgive(login: str, address: str) -> None:
    """After a successful sign-in, the person's own typos from this address no longer count."""
    key = f"pair:{_name(login)}|{address or '-'}"
    client = _redis()
    if client is not None:
        client.delete(f"officehub:login:{key}")
        return
    db.session.execute(delete(LoginCounter).where(LoginCounter.key == key))
    db.session.commit()


def purge_expired() -> str:
    """Drop counters whose window ended long ago, so the table stays small (a `flask tick` job)."""
    cutoff = utcnow() - timedelta(seconds=NAME_WINDOW * 2)
    removed = db.session.execute(delete(LoginCounter).where(LoginCounter.window_start < cutoff)).rowcount
    db.session.commit()
    return f"{removed} old counters removed"
