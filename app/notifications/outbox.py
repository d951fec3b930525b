"""The outbox: a delivery row per outside channel, written with the notification, and the sender.

notify() adds the rows in the caller's transaction, so a message exists for every channel exactly
when its notification does. The sender (`deliver_pending`, a periodic job; also started in a
background thread right after a request commits new rows) claims each row with a conditional
UPDATE before sending, so two senders running at once never send a row twice; a channel that
refuses is retried with a doubling wait for NOTIFY_GIVE_UP_HOURS, and nothing is lost while it is
down. A sender that dies mid-send leaves its claim to expire, and the row is sent again by the next run.
"""
import threading
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_request_context
from flask_babel import force_locale, gettext
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.timeutil import to_local, to_utc, utcnow

from . import channels
from .channels import DINGTALK, EMAIL, WECOM, ChannelError, Outgoing
from .kinds import URGENT, Kind
from .models import Delivery, Notification, Preference

PENDING, SENDING, SENT, RETRYING, FAILED = "pending", "sending", "sent", "retrying", "failed"
CLAIM_SECONDS = 300
BATCH = 200

# What a user gets until they choose: pushes for what needs them now, e-mail for the rest; a receipt for
# what the user just filed themselves stays in the app (nobody's phone buzzes for their own action).
ALL = frozenset({EMAIL, WECOM, DINGTALK})
DEFAULTS = {Kind.REPAIR_URGENT: ALL, Kind.VISITOR_ARRIVAL: ALL, Kind.WEEKLY_DIGEST: frozenset({EMAIL}),
            Kind.RECEIPT: frozenset()}
DEFAULT = frozenset({EMAIL})


def default_channels(kind: str) -> frozenset:
    return DEFAULTS.get(kind, DEFAULT)


def chosen_channels(user, kind: str) -> set[str]:
    row = db.session.scalar(select(Preference).where(Preference.user_id == user.id, Preference.kind == kind))
    if row is None:
        return set(default_channels(kind))
    return {name for name in row.channels.split(",") if name}


def address_of(user, channel: str) -> str:
    return {EMAIL: user.email, WECOM: user.wecom_userid, DINGTALK: user.dingtalk_userid}[channel] or ""


def _parse_hhmm(text: str | None) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def quiet_until(user, now: datetime) -> datetime | None:
    """The end of the user's quiet hours (naive UTC) when `now` falls inside them, else None."""
    start, end = _parse_hhmm(user.quiet_start), _parse_hhmm(user.quiet_end)
    if start is None or end is None or start == end:
        return None
    local = to_local(now).replace(tzinfo=None)
    clock = local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    finish = datetime.combine(local.date(), end)
    if finish <= local:
        finish += timedelta(days=1)
    return to_utc(finish)


def queue(note: Notification, user, kind: str, attachment: str | None = None, only: set[str] | None = None) -> int:
    """Add the delivery rows for one new notification (not committed); how many were added. `only`:
    these channels, now, whatever the user chose and their quiet hours."""
    enabled = channels.enabled(current_app.config)
    if not enabled or not any(address_of(user, channel) for channel in enabled):
        return 0  # nothing to look up: no channel is on, or this person has no address on one
    wanted = (chosen_channels(user, kind) if only is None else only) & set(enabled)
    now = utcnow()
    due = now if kind in URGENT or only is not None else (quiet_until(user, now) or now)
    added = 0
    for channel in sorted(wanted):
        address = address_of(user, channel)
        if not address:
            continue
        db.session.add(Delivery(notification=note, channel=channel, address=address[:254], state=PENDING,
                                next_attempt_at=due, created_at=now,
                                attachment=attachment if channel == EMAIL else None))
        added += 1
    if added:
        db.session.info["deliveries_waiting"] = True
    return added


# ---- the sender

def _due(now):
    waiting = and_(Delivery.state.in_((PENDING, RETRYING)), Delivery.next_attempt_at <= now)
    abandoned = and_(Delivery.state == SENDING, Delivery.claimed_until < now)
    return or_(waiting, abandoned)


def _claim(delivery_id: int, now) -> bool:
    result = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, _due(now))
        .values(state=SENDING, claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _outgoing(delivery: Delivery) -> Outgoing:
    note = db.session.get(Notification, delivery.notification_id)
    user = note.user
    config = current_app.config
    with force_locale(user.locale or config["DEFAULT_LOCALE"]):
        kind = Kind.of(note.kind) or Kind.GENERAL
        return Outgoing(title=f"{gettext('Office Hub')} · {kind.label}", text=note.text,
                        url=absolute(note.link), button=gettext("Open"), attachment=delivery.attachment)


def absolute(link: str) -> str:
    """A stored path as an address people's phones can open: on the configured public host."""
    base = urlsplit(current_app.config["BASE_URL"])
    origin = f"{base.scheme}://{base.netloc}" if base.netloc else "http://localhost"
    if not link.startswith("/") or link.startswith("//"):
        link = "/"
    return origin + link


def _retry_wait(attempts: int) -> timedelta:
    config = current_app.config
    seconds = int(config["NOTIFY_RETRY_SECONDS"]) * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, int(config["NOTIFY_RETRY_MAX_SECONDS"])))


def _give_up_after() -> timedelta:
    """How long a delivery is retried through temporary errors: long enough for a weekend's outage."""
    return timedelta(hours=float(current_app.config["NOTIFY_GIVE_UP_HOURS"]))


def _record(delivery_id: int, error: ChannelError | None) -> None:
    delivery = db.session.get(Delivery, delivery_id)
    now = utcnow()
    delivery.claimed_until = None
    if error is None:
        delivery.state, delivery.sent_at, delivery.last_error = SENT, now, ""
    elif error.permanent or now - delivery.created_at >= _give_up_after():
        delivery.state, delivery.last_error = FAILED, str(error)[:500]
    else:
        delivery.state, delivery.last_error = RETRYING, str(error)[:500]
        delivery.next_attempt_at = now + _retry_wait(delivery.attempts)
    db.session.commit()


# What deliver_one says happened.
DELIVERED, REFUSED, UNREACHABLE, NOT_DUE = "delivered", "refused", "unreachable", "not due"


def deliver_one(delivery_id: int) -> str:
    """Claim and send one delivery: DELIVERED; REFUSED for good (a bad address); UNREACHABLE, the
    channel did not take it this time (down, timed out); NOT_DUE when another sender had it."""
    if not _claim(delivery_id, utcnow()):
        return NOT_DUE
    delivery = db.session.get(Delivery, delivery_id)
    try:
        channels.send(current_app.config, delivery.channel, delivery.address, _outgoing(delivery))
        error = None
    except ChannelError as exc:
        error = exc
    except Exception as exc:  # a bug or an odd answer must not leave the row claimed until the lease ends
        current_app.logger.exception("delivery %s", delivery_id)
        error = ChannelError(f"unexpected: {exc!r}")
    _record(delivery_id, error)
    if error is None:
        return DELIVERED
    return REFUSED if error.permanent else UNREACHABLE


def deliver_pending() -> str:
    """Send whatever is due, oldest first (the periodic job `notifications: deliver`).

    Once a channel fails for a reason that is not the address's, its other rows wait for the next
    run, untouched (same attempts, same backoff): a mail server that accepts connections but never
    answers then costs one timeout per run, not one per waiting message, and the jobs after this
    one are not held up."""
    rows = db.session.execute(select(Delivery.id, Delivery.channel).where(_due(utcnow()))
                              .order_by(Delivery.next_attempt_at, Delivery.id).limit(BATCH)).all()
    outcomes, down = [], set()
    for delivery_id, channel in rows:
        if channel in down:
            continue
        outcomes.append(deliver_one(delivery_id))
        if outcomes[-1] == UNREACHABLE:
            down.add(channel)
    summary = f"{outcomes.count(DELIVERED)} delivered"
    if down:
        summary += f"; {', '.join(sorted(down))} not answering, {len(rows) - len(outcomes)} left for the next run"
    return summary


def retry_failed(channel: str) -> int:
    """Put the channel's failed deliveries back in the queue, to their stored address (an outage is over).
    They are queued again as new: due now, no attempts, and a fresh NOTIFY_GIVE_UP_HOURS. One
    conditional UPDATE, so pressing it twice, or two admins at once, queue each row once."""
    now = utcnow()
    count = db.session.execute(
        update(Delivery).where(Delivery.channel == channel, Delivery.state == FAILED)
        .values(state=PENDING, attempts=0, next_attempt_at=now, created_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)).rowcount
    if count:
        db.session.info["deliveries_waiting"] = True  # the sender starts right after the commit
    db.session.commit()
    return count


# ---- delivering right after the request, without making it wait

def _send_in_background(app) -> None:
    def run():
        with app.app_context():
            try:
                deliver_pending()
            except Exception:  # the periodic job will try again; never crash the thread noisily
                app.logger.exception("background delivery")
            finally:
                db.session.remove()
    threading.Thread(target=run, name="officehub-deliver", daemon=True).start()


def _after_commit(session) -> None:
    """After a web request commits new deliveries, send them now in a thread. Only in a request: a
    short-lived `flask tick` could exit mid-send; its rows go with the sender job instead."""
    if not session.info.pop("deliveries_waiting", False) or not has_request_context():
        return
    app = current_app._get_current_object()
    if app.config["NOTIFY_SEND_AT_ONCE"]:
        _send_in_background(app)


def _after_rollback(session, _previous_transaction) -> None:
    session.info.pop("deliveries_waiting", None)


def init_app(app) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
