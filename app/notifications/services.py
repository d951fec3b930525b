"""notify() for every feature, and the reader's side: unread count, list, mark read."""
from flask import current_app
from flask_babel import LazyString, force_locale, gettext, ngettext
from sqlalchemy import func, select, update

from app.extensions import db
from app.timeutil import utcnow

from . import outbox
from .kinds import Kind
from .models import MSGID, PLURAL, N, Notification

PAGE_SIZE = 30


def notify(users, message, link: str = "", *, kind: str = Kind.GENERAL, commit: bool = True,
           attachment: str | None = None, channels: set[str] | None = None) -> int:
    """Send `message` to each distinct active user, in that user's own language.

    `message` may be a plain string or a lazy_gettext(...) string; a lazy one is rendered once per
    recipient under their locale, and also kept untranslated so the bell shows it in whatever
    language the reader uses later. Besides the in-app notification, one delivery row per outside
    channel the recipient uses for this `kind` is written in the same transaction (see outbox.py);
    `attachment` (iCalendar text) goes with the e-mail. `channels` names the outside channels outright,
    ignoring the recipient's choices and quiet hours (the admin's test message). Returns how many
    notifications were written.
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
        outbox.queue(note, user, kind, attachment, channels)
    if commit:
        db.session.commit()
    return len(seen)


def _untranslated(message) -> tuple[str | None, dict | None]:
    """A lazy message's msgid and arguments (as JSON-safe values), else (None, None); see encode_lazy."""
    encoded = encode_lazy(message)
    if encoded is None:
        return None, None
    message_id = encoded.pop(MSGID)
    return (message_id, encoded) if len(message_id) <= 500 else (None, None)


def encode_lazy(message) -> dict | None:
    """A lazy_gettext / lazy_ngettext string as {MSGID: msgid, PLURAL: ..., N: ..., name: argument}, or
    None for anything else. An argument that is itself lazy (a status or reason label) is kept the same
    way, not as text in the sender's language, so Notification.text translates it for the reader."""
    func = getattr(message, "_func", None) if isinstance(message, LazyString) else None
    args, kwargs = getattr(message, "_args", ()), dict(getattr(message, "_kwargs", {}))
    if func is gettext and len(args) == 1:
        encoded = {MSGID: args[0]}
    elif func is ngettext and len(args) + ("num" in kwargs) == 3:
        num = args[2] if len(args) == 3 else kwargs.pop("num")
        encoded = {MSGID: args[0], PLURAL: args[1], N: num}
    else:
        return None
    for key, value in kwargs.items():
        encoded[key] = value if isinstance(value, int | float) else (encode_lazy(value) or str(value))
    return encoded


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
