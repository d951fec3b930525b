"""What `flask tick` runs for requests: a done request the requester never confirms or reopens is confirmed
automatically after REQUESTS_AUTO_CONFIRM_DAYS working days, so it does not stay open forever.

Each request is confirmed exactly once even when two runs overlap: it is claimed with a conditional UPDATE
(rowcount 1 means "mine") in the same transaction as its timeline entry and notifications, as
app/repairs/jobs.py does. A run that dies before its commit leaves nothing claimed and nothing sent.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.calendar.clock import after_working_days, calendar
from app.extensions import db
from app.notifications import Kind, notify
from app.timeutil import utcnow

from .models import EventKind, RequestEvent, ServiceRequest
from .services import detail_link
from .workflow import Status

R = ServiceRequest


def _candidates(now, days: int) -> list[ServiceRequest]:
    """Done requests that may have waited `days` working days: N working days take at least N working days'
    hours of wall time, so older ones are read (through the status index) and judged exactly below."""
    shortest = days * calendar().day_length
    return list(db.session.scalars(select(R).where(R.status == Status.DONE, R.done_at <= now - shortest)
                                   .order_by(R.id)))


def _claim(item, now) -> bool:
    """Confirm the request only if it is still done as it was read (not confirmed, reopened and done again
    meanwhile); True when this run confirmed it. The version moves on, so a confirm or reopen from a page
    drawn before is told the request changed instead of acting on a state that is gone."""
    result = db.session.execute(
        update(R).where(R.id == item.id, R.status == Status.DONE, R.done_at == item.done_at)
        .values(status=Status.CONFIRMED, closed_at=now, version=R.version + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def auto_confirm() -> str:
    """Confirm every request done `REQUESTS_AUTO_CONFIRM_DAYS` working days ago (on the working clock the
    request's own clocks use) that its requester has not answered; record it and tell requester and handler."""
    now = utcnow()
    days = int(current_app.config["REQUESTS_AUTO_CONFIRM_DAYS"])
    confirmed = 0
    for item in _candidates(now, days):
        if after_working_days(item.done_at, days) > now or not _claim(item, now):
            continue  # not yet so many working days; or the requester answered, or another run confirmed it
        confirmed += 1
        db.session.add(RequestEvent(request_id=item.id, actor_id=None, kind=EventKind.AUTO_CONFIRMED,
                                    status=Status.CONFIRMED))
        notify([item.requester, item.handler],
               _l("Request #%(id)d was confirmed automatically after %(days)d working days without an answer.",
                  id=item.id, days=days), link=detail_link(item.id), kind=Kind.REQUEST_UPDATE, commit=False)
    db.session.commit()
    return f"{confirmed} auto-confirmed"
