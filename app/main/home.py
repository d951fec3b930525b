"""What an employee's home page offers first: the everyday actions, then their open requests with
their clocks, then the notifications (issue 13: the page used to offer nothing to do)."""
from sqlalchemy import select

from app.extensions import db

OPEN_SHOWN = 5


def open_repairs(user) -> list:
    """The user's own open repair requests, newest first, loaded for the repairs' row summary."""
    from app.repairs.models import RepairRequest
    from app.repairs.queries import LIST_ROWS
    from app.repairs.workflow import OPEN_STATUSES
    query = (select(RepairRequest).options(*LIST_ROWS)
             .where(RepairRequest.requester_id == user.id, RepairRequest.status.in_(OPEN_STATUSES))
             .order_by(RepairRequest.created_at.desc(), RepairRequest.id.desc()).limit(OPEN_SHOWN))
    return list(db.session.scalars(query))


def open_suggestions(user) -> list:
    """The user's own named suggestions still waiting for the office, with the day the answer is due."""
    from app.suggestions.models import Suggestion
    from app.suggestions.workflow import Status
    query = (select(Suggestion).where(Suggestion.author_id == user.id,
                                      Suggestion.status.in_([Status.NEW.value, Status.IN_PROGRESS.value]))
             .order_by(Suggestion.created_at.desc()).limit(OPEN_SHOWN))
    return list(db.session.scalars(query))


def latest_notifications(user, count: int = 5) -> list:
    """The user's newest notifications (as the notifications page orders them), only as many as shown: not a
    page of them and its count."""
    from app.notifications.models import Notification
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(count)))
