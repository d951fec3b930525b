"""notify() for every feature, and the reader's side: unread count, list, mark read."""
from flask import current_app
from flask_babel import LazyString, force_locale, gettext
from sqlalchemy import func, select, update

from app.extensions import db
from app.timeutil import utcnow

from . import outbox
from .kinds import Kind
from .models import Notification

PAGE_SIZE = 30


def notify(users, message, link: str = "", *, kind: str = Kind.GENERAL, commit: bool = True,
           attachment: str | None = None) -> int:
    """Send `message` to each distinct active user, in that user's own language.

    `message` may be a plain string or a lazy_gettext(...) string; a lazy one is rendered once per
    recipient under their locale, and also kept untranslated so the bell shows it in whatever
    language the reader uses later. Besides the in-app notification, one delivery row per outside
    channel the recipient uses for this `kind` is written in the same transaction (see outbox.py);
    `attachment` (iCalendar text) goes with the e-mail. Returns how many notifications were written.
    """
    default = current_app.config["DEFAULT_LOCALE"]
    message_id, message_args = _untranslated(message)
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with force_locale(user.locale or default):
            text = str(message)[:500]
        note = Notification(user_id=user.id, message=text, link=link[:500], kind=str(kind),
                            message_id=message_id, message_args=message_args)
        db.session.add(note)
        outbox.queue(note, user, kind, attachment)
    if commit:
        db.session.commit()
    return len(seen)


def _untranslated(message) -> tuple[str | None, dict | None]:
    """A lazy_gettext message's msgid and arguments (as JSON-safe values), else (None, None)."""
    if not isinstance(message, LazyString) or getattr(message, "_func", None) is not gettext:
        return None, None
    if len(message._args) != 1 or len(message._args[0]) > 500:
        return None, None
    args = {key: value if isinstance(value, int | float) else str(value) for key, value in message._kwargs.items()}
    return message._args[0], args


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def page_for(user, page: int):
    query = (select(Notification).where(Notification.user_id == user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; someone else's is treated as not found."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        return None
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return note


def mark_all_read(user) -> None:
    db.session.execute(update(Notification)
                       .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()
