"""notify() for every feature, and the reader's side: unread count, list, mark read."""
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from app.extensions import db
from app.timeutil import utcnow

from .models import Notification

PAGE_SIZE = 30


def notify(users, message, link: str = "", *, commit: bool = True) -> int:
    """Send `message` to each distinct active user, in that user's own language.

    `message` may be a plain string or a lazy_gettext(...) string; a lazy one is rendered
    once per recipient under their locale. Returns how many notifications were written.
    """
    default = current_app.config["DEFAULT_LOCALE"]
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with force_locale(user.locale or default):
            text = str(message)[:500]
        db.session.add(Notification(user_id=user.id, message=text, link=link[:500]))
    if commit:
        db.session.commit()
    return len(seen)


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
