"""One rating component for every service that ends with someone served: a repair, a visit, a request.

A rating is 1–5 with an optional comment, once per (subject, record): the unique key makes a second
rating (or a double tap) impossible. Suggestions keep their own table (suggestion_ratings), whose key
is the suggestion's random id so an anonymous author's rating cannot be ordered against anyone's.
"""
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


# ---------------------------------------------------------------- the department satisfaction survey
#
# Anonymity: who was asked and whether they answered (survey_invites) is kept apart from the answers
# (survey_answers, survey_scores), and nothing links the two: an answer has no person, no time, and a random
# id (also SQLite's rowid, so rows are not stored in answering order). Its department is kept, so a
# department's result is shown only from SURVEY_MIN_ANSWERS answers on.

def random_id() -> int:
    return 10**11 + secrets.randbelow(9 * 10**11)


RandomKey = BigInteger().with_variant(Integer(), "sqlite")


class SurveyRound(db.Model):
    __tablename__ = "survey_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    questions: Mapped[list["SurveyQuestion"]] = relationship(order_by="SurveyQuestion.position",
                                                             cascade="all, delete-orphan", lazy="selectin")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))


class SurveyInvite(db.Model):
    """Who was asked, and whether they have answered (so nobody answers twice): never which answer is theirs."""
    __tablename__ = "survey_invites"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    answered: Mapped[bool] = mapped_column(default=False)


class SurveyAnswer(db.Model):
    """One anonymous answer: a random id, the round, the department, the comment; no person, no time."""
    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(RandomKey, primary_key=True, autoincrement=False, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX * 2), default="")


class SurveyScore(db.Model):
    __tablename__ = "survey_scores"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    answer_id: Mapped[int] = mapped_column(RandomKey, ForeignKey("survey_answers.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    score: Mapped[int]
