"""Times are stored as naive UTC; people see them in the configured office time zone."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def office_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(office_tz())


def to_utc(local_moment: datetime) -> datetime:
    """A naive time typed by a user in the office time zone, as naive UTC for storage."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.replace(tzinfo=office_tz())
    return local_moment.astimezone(UTC).replace(tzinfo=None)


def today() -> date:
    """Today in the office time zone (the day people see on the wall calendar)."""
    return datetime.now(office_tz()).date()


def day_bounds(day: date, last_day: date | None = None) -> tuple[datetime, datetime]:
    """The stored (naive UTC) moments from the start of `day` to the start of the day after
    `last_day` (or `day`), as office time reckons them."""
    start = datetime.combine(day, time.min)
    end = datetime.combine((last_day or day) + timedelta(days=1), time.min)
    return to_utc(start), to_utc(end)


def parse_day(text) -> date | None:
    """An ISO date typed in a filter or a query string, or None when it is absent or not a real day."""
    if not text or not isinstance(text, str) or len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if MIN_DAY <= day <= MAX_DAY else None


# Days the business can mean: nothing before the company's records start or centuries ahead, so a
# typed 0001-01-01 or 9999-12-31 can never break a list that sorts or computes with it.
MIN_DAY = date(2000, 1, 1)
MAX_DAY = date(2099, 12, 31)
