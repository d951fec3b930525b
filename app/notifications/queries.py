"""Read-only views of the outbox: recent deliveries, and channels that keep failing."""
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.timeutil import utcnow

from .channels import CHANNELS
from .models import Delivery, Notification

RECENT = 100


def recent_deliveries(channel: str = "", state: str = "") -> list[Delivery]:
    query = (select(Delivery).options(joinedload(Delivery.notification).joinedload(Notification.user))
             .order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(RECENT))
    if channel in CHANNELS:
        query = query.where(Delivery.channel == channel)
    if state:
        query = query.where(Delivery.state == state)
    return list(db.session.scalars(query))


def failing_channels(minutes: int) -> list[str]:
    """Channels whose oldest delivery still retrying was queued over `minutes` ago with nothing sent
    on that channel since it was queued: a channel down for a while. Rows given up on (`failed`,
    such as a bad address, or an outage long over) do not count, so an old failure never hides a
    new outage, and one bad address never reports a channel that works."""
    since = utcnow() - timedelta(minutes=minutes)
    stuck = (select(Delivery.channel, func.min(Delivery.created_at))
             .where(Delivery.state == "retrying", Delivery.created_at <= since, Delivery.last_error != "")
             .group_by(Delivery.channel))
    failing = []
    for channel, oldest in db.session.execute(stuck):
        last_sent = db.session.scalar(select(func.max(Delivery.sent_at)).where(
            Delivery.channel == channel, Delivery.state == "sent"))
        if last_sent is None or last_sent < oldest:
            failing.append(channel)
    return sorted(failing)


def failed_counts() -> dict[str, int]:
    """How many deliveries each channel has given up on (the admin may queue them again)."""
    return dict(db.session.execute(select(Delivery.channel, func.count()).where(Delivery.state == "failed")
                                   .group_by(Delivery.channel)).all())
