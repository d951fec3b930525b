"""Failed-login counting shared by every worker and instance: in the database, or Redis when configured."""
from datetime import datetime, timedelta

import redis
from flask import current_app
from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class LoginFailure(db.Model):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_created_at", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _keys(login: str, address: str) -> list[str]:
    return [f"user:{login.strip().lower()[:100]}", f"ip:{address or '-'}"]


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("officehub_redis")
    if client is None:
        client = current_app.extensions["officehub_redis"] = redis.Redis.from_url(url)
    return client


def is_blocked(login: str, address: str) -> bool:
    """True once either the user name or the client address reached the limit in the window."""
    limit = current_app.config["LOGIN_RATE_LIMIT"]
    window = current_app.config["LOGIN_RATE_WINDOW"]
    keys = _keys(login, address)
    client = _redis()
    if client is not None:
        counts = client.mget([f"officehub:login:{k}" for k in keys])
        return any(int(c or 0) >= limit for c in counts)
    since = utcnow() - timedelta(seconds=window)
    for key in keys:
        count = db.session.scalar(
            select(func.count()).select_from(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.created_at > since))
        if count >= limit:
            return True
    return False


def record_failure(login: str, address: str) -> None:
    window = current_app.config["LOGIN_RATE_WINDOW"]
    keys = _keys(login, address)
    client = _redis()
    if client is not None:
        pipe = client.pipeline()
        for key in keys:
            pipe.incr(f"officehub:login:{key}")
            pipe.expire(f"officehub:login:{key}", window, nx=True)
        pipe.execute()
        return
    now = utcnow()
    # Old rows are useless once out of the window; drop them so the table stays small.
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < now - timedelta(seconds=window)))
    db.session.add_all(LoginFailure(key=key, created_at=now) for key in keys)
    db.session.commit()
