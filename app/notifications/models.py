"""A message to one user, with a link to what it is about."""
from datetime import datetime

from flask_babel import gettext, ngettext
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

# Keys of a stored lazy message besides its placeholders (never valid placeholder names): the msgid of
# a lazy argument, and a plural message's plural form and number.
MSGID, PLURAL, N = "*msgid", "*plural", "*n"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
                      Index("ix_notifications_user_id_created_at", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(30), default="general", server_default="general")
    # The untranslated message and its arguments, so the bell shows it in the reader's language of
    # the moment; `message` is the text as rendered when sent (e-mail, pushes, older rows).
    message_id: Mapped[str | None] = mapped_column(String(500))
    message_args: Mapped[dict | None] = mapped_column(JSON)

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        if not self.message_id:
            return self.message
        try:
            return translate({**(self.message_args or {}), MSGID: self.message_id})[:500]
        except (KeyError, ValueError, TypeError):  # a catalog whose placeholders changed since
            return self.message


def translate(stored: dict) -> str:
    """A message stored by services.encode_lazy, in the current language. Rows written before
    arguments were kept by msgid hold plain values, which are used as they are."""
    values = dict(stored)
    message_id, plural, num = values.pop(MSGID), values.pop(PLURAL, None), values.pop(N, None)
    values = {key: translate(value) if isinstance(value, dict) else value for key, value in values.items()}
    if plural is not None:
        return ngettext(message_id, plural, num, **values)
    return gettext(message_id, **values)


class Delivery(db.Model):
    """One notification on its way to one outside channel (the outbox); the sender delivers it."""
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
                      Index("ix_deliveries_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender that dies mid-send frees the row for the next run after this.
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    attachment: Mapped[str | None] = mapped_column(Text)  # an .ics for meeting notices (e-mail only)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification] = relationship(lazy="joined")


class Preference(db.Model):
    """The channels one user wants for one kind of event; no row means the default."""
    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    channels: Mapped[str] = mapped_column(String(60), default="")  # comma-separated channel names
