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
    """Channels with a delivery not sent after `minutes` that has failed at least once, and
    nothing sent on that channel since: a channel down for a while, not one bad address."""
    since = utcnow() - timedelta(minutes=minutes)
    stuck = (select(Delivery.channel, func.min(Delivery.created_at))
             .where(Delivery.state.in_(("retrying", "failed")), Delivery.created_at <= since,
                    Delivery.last_error != "")
             .group_by(Delivery.channel))
    failing = []
    for channel, oldest in db.session.execute(stuck):
        sent_since = db.session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.channel == channel, Delivery.state == "sent", Delivery.sent_at >= oldest))
        if not sent_since:
            failing.append(channel)
    return sorted(failing)
