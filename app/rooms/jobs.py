"""Periodic work: reminders before bookings start (notices.remind_upcoming) and a nudge to the technical
person for a check that is due within the quarter hour and still open."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.notifications import notify
from app.timeutil import to_local, utcnow

from .checks import check_link
from .models import EquipmentCheck
from .workflow import CheckStatus

NUDGE = timedelta(minutes=15)


def nudge_due_checks() -> str:
    """Tell the assignee once when a check is due within NUDGE and still open; each row is claimed with a
    conditional UPDATE (moving `due_at`'s reminder marker, `note` untouched) so two runs send one nudge."""
    now = utcnow()
    due = (EquipmentCheck.status == CheckStatus.OPEN.value, EquipmentCheck.due_at <= now + NUDGE,
           EquipmentCheck.due_at > now - NUDGE, EquipmentCheck.nudged_at.is_(None))
    sent = 0
    for check in list(db.session.scalars(select(EquipmentCheck).where(*due).limit(200))):
        claimed = db.session.execute(update(EquipmentCheck).where(EquipmentCheck.id == check.id, *due)
                                     .values(nudged_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1 or check.assignee is None:
            continue
        notify([check.assignee], _l("Equipment check due at %(when)s in %(room)s.",
                                    when=f"{to_local(check.due_at):%H:%M}", room=check.booking.room.name),
               link=check_link(check.id), commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} check nudge(s)"
