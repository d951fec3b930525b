"""Suggestions, their public answers, the office's history and notes, board votes and ratings.

Anonymity rule: a suggestion filed anonymously stores no user, department, address or browser,
its time only as the day, and nothing else is written in the same request (no history, no
notification, no form-token row), so no other table can date it either. What its author writes
later (a reply, a rating) is dated to the day too, and none of these rows has a sequential key: the
random ids are also SQLite's rowid, so not even the order rows are stored in follows filing order.
"""
import secrets
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.auth.models import Department, User
from app.extensions import db
from app.i18n import current_locale_code
from app.search_grams import searched
from app.timeutil import utcnow

from .workflow import Status

TITLE_MAX = 80
DETAILS_MAX = 2000
ANSWER_MAX = 2000
NOTE_MAX = 2000
COMMENT_MAX = 500


def random_id() -> int:
    """Suggestion ids are random, not a sequence: a sequence would date an anonymous note
    between the named notes filed just before and after it."""
    return 10**11 + secrets.randbelow(9 * 10**11)


# The key type of rows an anonymous author writes. On SQLite it must be exactly INTEGER so that the
# random id IS the rowid: any other primary key leaves a hidden rowid counting up in insertion
# order, which would put an anonymous note right after the named note its author filed before.
RandomKey = BigInteger().with_variant(Integer(), "sqlite")


class Category(db.Model):
    """A topic an employee picks when filing; the office edits the list."""
    __tablename__ = "suggestion_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def display_name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.display_name(current_locale_code())


@searched("suggestion", "title", "details", facet="status")
class Suggestion(db.Model):
    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_status_created_at", "status", "created_at"),
        Index("ix_suggestions_on_board_created_at", "on_board", "created_at"),
        # The weekly digest's count table: a week's suggestions by category and status, from the index alone.
        Index("ix_suggestions_created_at_category_status", "created_at", "category_id", "status"),
        # The office card's month figures (answered on time) read only this index, not a month of rows.
        Index("ix_suggestions_created_at_answers", "created_at", "first_answered_at", "answer_due_at"),
        # An employee's home page: their own suggestions still open, newest first.
        Index("ix_suggestions_author_id_created_at_status", "author_id", "created_at", "status"),
        # The triage's overdue filter walks the unanswered ones newest first; the monthly report's
        # "answered on time" reads a month of first answers with their due days.
        Index("ix_suggestions_first_answered_at_created_at", "first_answered_at", "created_at", "answer_due_at",
              "status"),
        CheckConstraint("source IN ('online', 'paper')", name="source"),
        # A unique index rather than a constraint: SQLite adds it without rebuilding the table.
        Index("ix_suggestions_number", "number_year", "number_seq", unique=True),
    )

    id: Mapped[int] = mapped_column(RandomKey, primary_key=True, autoincrement=False, default=random_id)
    # None for anonymous notes and paper slips: nothing may lead back to the author.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(10), default="online", index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("suggestion_categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    details: Mapped[str] = mapped_column(Text)
    photo_name: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default=Status.NEW.value, index=True)
    # Anonymous notes and paper slips: midnight (office time) of the day, never the moment.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answer_due_at: Mapped[datetime] = mapped_column(index=True)
    first_answered_at: Mapped[datetime | None] = mapped_column(index=True)
    # Claimed by the overdue reminder (`flask tick`) in the transaction that tells the office, so it
    # is said once even when two runs overlap.
    overdue_reminded: Mapped[bool] = mapped_column(default=False)
    # sha256 of the tracking code: the code itself is shown once and never stored.
    tracking_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # sha256 of the form's one-time token, so a resent form finds the note it already created
    # (the shared form_submissions table would record the moment of an anonymous submit).
    form_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    on_board: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("suggestions.id"), index=True)
    # The short number people read out (S-2026-0412): a per-year sequence, see numbers.py. A named
    # note gets it when filed; an anonymous note or paper slip only the next day, in a batch ordered
    # by the day and the random id, so the number tells no more than the day already does.
    number_year: Mapped[int | None] = mapped_column(Integer)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    # Filled by the list queries that need them (with_expression), None elsewhere.
    has_draft: Mapped[bool | None] = query_expression()
    me_too_count: Mapped[int | None] = query_expression()
    voted: Mapped[bool | None] = query_expression()
    has_new_reply: Mapped[bool | None] = query_expression()

    author: Mapped[User | None] = relationship(lazy="raise_on_sql")
    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    merged_into: Mapped["Suggestion | None"] = relationship(remote_side=[id], lazy="raise_on_sql")
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="suggestion", order_by="Answer.thread_at", lazy="raise_on_sql", cascade="all, delete-orphan")

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def reference(self) -> str | None:
        """"S-2026-0412", or None while an anonymous note waits for the next day's numbering."""
        if self.number_seq is None:
            return None
        return f"S-{self.number_year}-{self.number_seq:04d}"

    def is_overdue(self, now: datetime) -> bool:
        return self.first_answered_at is None and self.answer_due_at < now and self.status_enum.is_open


class Answer(db.Model):
    """What the author reads: an office answer (maybe changing the status) or the author's own reply.

    An office answer with published_at None is a draft, published at the weekly triage.
    """
    __tablename__ = "suggestion_answers"
    # The drafts waiting (published_at NULL) and the digest's answers of a week, from the index alone.
    __table_args__ = (Index("ix_suggestion_answers_published_at_from_author", "published_at", "from_author",
                            "suggestion_id"),)

    # Random too (and SQLite's rowid): a sequence would date an anonymous reply between the office
    # answers around it.
    id: Mapped[int] = mapped_column(RandomKey, primary_key=True, autoincrement=False, default=random_id)
    suggestion_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    from_author: Mapped[bool] = mapped_column(default=False)
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Replies of an anonymous author are dated to the day only (midnight, office time), like the note.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    # Its place in the thread, set when published. The moment of publishing, except for an anonymous
    # reply: just after the last entry its author could read, or today's midnight if later. That says
    # only "after the answer it replies to", which the thread shows anyway, never when it was written.
    thread_at: Mapped[datetime | None]

    suggestion: Mapped[Suggestion] = relationship(back_populates="answers", lazy="raise_on_sql")
    written_by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def status_to_enum(self) -> Status | None:
        """The status this answer moved the suggestion to, for its badge; None when it kept the status."""
        return Status.of(self.status_to) if self.status_to else None


class Event(db.Model):
    """The office's history of a suggestion: who changed what, when."""
    __tablename__ = "suggestion_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="raise_on_sql")


class Note(db.Model):
    """An internal note: seen by the office only, never by the author or on the board."""
    __tablename__ = "suggestion_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="raise_on_sql")


class AnswerTemplate(db.Model):
    """A reusable answer for frequent cases."""
    __tablename__ = "suggestion_answer_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class MeToo(db.Model):
    """One "me too" per person and suggestion; the unique key makes a double tap count once."""
    __tablename__ = "suggestion_me_toos"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id", name="uq_suggestion_me_toos_suggestion_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("suggestions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Rating(db.Model):
    """The author's 1–5 rating of how their suggestion was handled; one per suggestion, dated by day.

    No id of its own: a sequence would order an anonymous author's rating against everyone else's.
    It is keyed by its suggestion's random id (SQLite's rowid too).
    """
    __tablename__ = "suggestion_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
                      # The monthly report's average reads the index alone.
                      Index("ix_suggestion_ratings_rated_on_score", "rated_on", "score"))

    suggestion_id: Mapped[int] = mapped_column(
        RandomKey, ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX), default="")
    rated_on: Mapped[date] = mapped_column(Date, index=True)


class Routing(db.Model):
    """The office's hand-off of a suggestion to the department that must act, with an internal deadline.

    The department's handlers (the request handlers of app/requests) draft the answer; the office reviews
    and publishes it, so the author only ever hears the office. The department sees the suggestion's
    words, never its author. Keyed by the suggestion's random id: no sequence to date it by.
    """
    __tablename__ = "suggestion_routings"
    __table_args__ = (Index("ix_suggestion_routings_department_id_due_at", "department_id", "due_at"),)

    suggestion_id: Mapped[int] = mapped_column(
        RandomKey, ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    due_at: Mapped[datetime]
    routed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)
    drafted_at: Mapped[datetime | None]

    suggestion: Mapped[Suggestion] = relationship(lazy="joined", innerjoin=True)
    department: Mapped[Department] = relationship(lazy="joined", innerjoin=True)
