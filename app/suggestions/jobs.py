"""`flask tick`: tell the office once about every suggestion whose answer is overdue."""
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


def remind_overdue() -> str:
    """Notify the office staff of suggestions newly past their due day without an answer."""
    newly_overdue = list(db.session.scalars(select(Suggestion.id).where(
        Suggestion.first_answered_at.is_(None), Suggestion.answer_due_at < utcnow(),
        Suggestion.overdue_reminded.is_(False),
        Suggestion.status.in_([Status.NEW.value, Status.IN_PROGRESS.value]))))
    if not newly_overdue:
        return "no newly overdue suggestion"
    days = current_app.config["SUGGESTIONS_ANSWER_WORKING_DAYS"]
    notify(users_with_role(Role.OFFICE),
           _l("%(num)d more suggestions have had no answer for %(days)d working days.", num=len(newly_overdue),
              days=days), link=path_for("suggestions.triage", overdue="1"), commit=False)
    # A plain UPDATE: the reminder must not bump the version an office form is holding.
    db.session.execute(update(Suggestion).where(Suggestion.id.in_(newly_overdue)).values(overdue_reminded=True)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return f"{len(newly_overdue)} newly overdue"
