"""Exactly-once form submissions: a double tap or a resent form creates one record, not two."""
import secrets
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class FormSubmission(db.Model):
    """A one-time token from a rendered form, claimed by the first submission that carries it."""
    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def already_done(token: str) -> str | None:
    """The stored result (for example a URL) of an earlier submission with this token, else None."""
    if not token:
        return None
    row = db.session.get(FormSubmission, token[:64])
    return row.result if row else None


def claim(token: str, result: str) -> bool:
    """Record `token` within the caller's transaction; False when another submission got there first.

    Call it just before the commit that creates the record, so the unique key decides the race.
    """
    if not token:
        return True
    db.session.add(FormSubmission(token=token[:64], result=result[:200]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def once(token: str, create) -> str:
    """Run `create()` once per form token and commit; a repeat returns the first run's result.

    `create` adds the record to the session (without committing) and returns the result to hand
    back on a repeat, usually the new record's URL. The token's unique key decides a race between
    two taps; the loser's rows are rolled back and it gets the winner's result.
    """
    done = already_done(token)
    if done is not None:
        return done
    result = create()
    if not claim(token, result):
        return already_done(token) or result
    db.session.commit()
    return result
