"""Times are stored as naive UTC; people see them in the configured office time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def office_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["OFFICEHUB_TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(office_tz())


def to_utc(local_moment: datetime) -> datetime:
    """A naive time typed by a user in the office time zone, as naive UTC for storage."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.replace(tzinfo=office_tz())
    return local_moment.astimezone(timezone.utc).replace(tzinfo=None)
