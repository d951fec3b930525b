"""What `flask tick` runs for meetings: reminding owners and liaisons of overdue action items, once."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.services import liaison_of
from app.extensions import db
from app.links import path_for
from app.notifications import notify
from app.timeutil import today, utcnow

from .models import ActionItem
from .workflow import ActionState


def remind_overdue() -> str:
    """Tell the owner and their department's liaison once when an action item's deadline has passed."""
    due = list(db.session.scalars(select(ActionItem).where(
        ActionItem.state.in_((ActionState.OPEN, ActionState.STARTED)), ActionItem.deadline < today(),
        ActionItem.overdue_notified_at.is_(None))))
    for action in due:
        notify([action.owner, liaison_of(action.department_id)],
               _l("Action item overdue since %(deadline)s: %(task)s", deadline=action.deadline.isoformat(),
                  task=action.task),
               link=path_for("actions.detail", action_id=action.id), commit=False)
        action.overdue_notified_at = utcnow()
    db.session.commit()
    return f"{len(due)} overdue action item(s) reminded"
