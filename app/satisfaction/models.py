"""One rating component for every service that ends with someone served: a repair, a visit, a request.

A rating is 1–5 with an optional comment, once per (subject, record): the unique key makes a second
rating (or a double tap) impossible. Suggestions keep their own table (suggestion_ratings), whose key
is the suggestion's random id so an anonymous author's rating cannot be ordered against anyone's.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.choices import LabelledEnum
from app.extensions import db
from app.timeutil import utcnow

COMMENT_MAX = 500


class Subject(LabelledEnum):
    """What is rated; each has its own rule for who may rate it (app/satisfaction/subjects.py)."""
    REPAIR = "repair", _l("Repair")
    VISIT = "visit", _l("Visit reception (host)")
    VISIT_GUEST = "visit_guest", _l("Visit reception (visitor)")
    REQUEST = "request", _l("Cross-department request")


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", name="uq_ratings_subject_subject_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        # The monthly report: a month's ratings of one kind, averaged from the index alone.
        Index("ix_ratings_subject_created_at_score", "subject", "created_at", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    # None for a visitor rating through a signed link: they have no account.
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
