"""`flask tick`: tell the office once about every suggestion whose answer is overdue.

Exactly once even when two runs overlap (a slow run and the next, or a runner on each machine): each
suggestion is claimed with a conditional UPDATE (rowcount 1 means "mine") in the same transaction as
the notification that counts it. A run that dies before its commit leaves nothing sent and nothing
claimed, so the next run tells the office, once.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.links import path_for
from app.notifications import notify
from app.timeutil import utcnow

from .models import Suggestion
from .workflow import Status

S = Suggestion


def _newly_overdue(now):
    """Still unanswered and open past the due day, and the office not told yet."""
    return (S.first_answered_at.is_(None), S.answer_due_at < now, S.overdue_reminded.is_(False),
            S.status.in_([Status.NEW.value, Status.IN_PROGRESS.value]))


def _claim(suggestion_id: int, now) -> bool:
    """Mark the suggestion reminded unless another run did (or the office answered) meanwhile.

    A plain UPDATE: the reminder must not bump the version an office form is holding.
    """
    result = db.session.execute(update(S).where(S.id == suggestion_id, *_newly_overdue(now))
                                .values(overdue_reminded=True).execution_options(synchronize_session=False))
    return result.rowcount == 1


def remind_overdue() -> str:
    """Notify the office staff of suggestions newly past their due day without an answer."""
    now = utcnow()
    candidates = list(db.session.scalars(select(S.id).where(*_newly_overdue(now)).order_by(S.id)))
    if not candidates:
        return "no newly overdue suggestion"
    office = users_with_role(Role.OFFICE)
    claimed = sum(_claim(suggestion_id, now) for suggestion_id in candidates)
    if claimed:
        days = current_app.config["SUGGESTIONS_ANSWER_WORKING_DAYS"]
        notify(office, _l("%(num)d more suggestions have had no answer for %(days)d working days.", num=claimed,
                          days=days), link=path_for("suggestions.triage", overdue="1"), commit=False)
    db.session.commit()
    return f"{claimed} newly overdue" if claimed else "no newly overdue suggestion"
