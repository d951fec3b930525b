"""Rating a record once: who may, saving it, and what a record's page shows (the form or the rating)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, Refused
from app.extensions import db

from .models import Rating, Subject
from .subjects import kind_of


class RatingRefused(Refused):
    pass


class AlreadyRated(Conflict):
    def __init__(self, current):
        super().__init__(_l("This is already rated. Thank you!"), current)


def record_of(subject: str, record_id: int):
    """The record a rating is about, or None for an unknown kind or record."""
    kind = kind_of(subject)
    return db.session.get(kind.model, record_id) if kind else None


def rating_of(subject: str, record_id: int) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.subject == subject, Rating.subject_id == record_id))


def may_rate(subject: str, record, user) -> bool:
    kind = kind_of(subject)
    return bool(kind and record is not None and kind.may_rate(user, record))


def rate(subject: str, record, user, score: int, comment: str) -> Rating:
    """Save the one rating of this record. A repeat by the same rater (a double tap, a resent form)
    returns the rating already saved; any other second rating is an AlreadyRated conflict."""
    if not may_rate(subject, record, user):
        raise RatingRefused(_l("You cannot rate this."))
    if score not in range(1, 6):
        raise RatingRefused(_l("Choose from 1 to 5 stars."), field="score")
    rater_id = user.id if user is not None else None
    rating = Rating(subject=str(subject), subject_id=record.id, rater_id=rater_id, score=score,
                    comment=(comment or "").strip())
    db.session.add(rating)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = rating_of(subject, record.id)
        if existing is not None and existing.rater_id == rater_id:
            return existing
        raise AlreadyRated(existing) from None
    return rating


def back_link(subject: str, record_id: int) -> str:
    return kind_of(subject).back(record_id)


def box(subject: str, record, user) -> dict | None:
    """What a record's page shows: the rating given, or the form for the one who may rate; None for others."""
    rating = rating_of(subject, record.id)
    if rating is not None and user is not None and rating.rater_id == user.id:
        return {"rating": rating}
    if rating is None and may_rate(subject, record, user):
        return {"rating": None}
    return None


def guest_rating(visit) -> Rating | None:
    return rating_of(Subject.VISIT_GUEST, visit.id)
