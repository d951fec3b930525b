"""Saving a user's message settings: contact addresses, channels per kind, quiet hours."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import Refused
from app.extensions import db

from .channels import CHANNELS
from .kinds import Kind
from .models import Preference
from .outbox import chosen_channels


def current_choices(user) -> dict[str, list[str]]:
    return {kind.value: sorted(chosen_channels(user, kind)) for kind in Kind}


def save(user, *, email: str, wecom_userid: str, dingtalk_userid: str, quiet_start: str, quiet_end: str,
         choices: dict) -> None:
    """Store everything at once; quiet hours need both ends, and must not be the same time."""
    if bool(quiet_start) != bool(quiet_end):
        field = "quiet_end" if quiet_start else "quiet_start"
        raise Refused(_l("Give both the start and the end of the quiet hours, or neither."), field=field)
    if quiet_start and quiet_start == quiet_end:
        raise Refused(_l("The quiet hours must end at another time than they start."), field="quiet_end")
    user.email = email.strip() or None
    user.wecom_userid = wecom_userid.strip() or None
    user.dingtalk_userid = dingtalk_userid.strip() or None
    user.quiet_start, user.quiet_end = quiet_start or None, quiet_end or None
    rows = {p.kind: p for p in db.session.scalars(select(Preference).where(Preference.user_id == user.id))}
    for kind in Kind:
        channels = ",".join(c for c in CHANNELS if c in set(choices.get(kind.value) or ()))
        row = rows.get(kind.value) or Preference(user_id=user.id, kind=kind.value)
        row.channels = channels
        db.session.add(row)
    db.session.commit()
