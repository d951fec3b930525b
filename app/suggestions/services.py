"""Filing a suggestion (named, anonymous or from a paper slip), who may see which one, what its
author can do afterwards (read the answers, reply, rate, say "me too"), and the lists the office
keeps (categories, answer templates)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, insert, literal, or_, select, text, true, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import uploads
from app.auth.roles import Role
from app.calendar.services import add_working_days
from app.errors import Refused
from app.extensions import db
from app.timeutil import day_bounds, today, utcnow

from . import numbers
from .codes import digest, tracking_code_for
from .models import Answer, AnswerTemplate, Category, Event, MeToo, Rating, Suggestion
from .workflow import Status

PHOTO_KIND = "suggestions"
# The categories a new installation starts with; migration 0007 inserts the same rows, then the office
# edits the list at /suggestions/categories.
DEFAULT_CATEGORIES = [
    ("工作环境", "Work environment"), ("食堂与餐饮", "Canteen and meals"), ("通勤", "Commuting"),
    ("设施与设备", "Facilities and equipment"), ("工作方式", "Ways of working"), ("安全", "Safety"),
    ("其他", "Other"),
]


class SuggestionError(Refused):
    """A rule was broken; the message is shown to the person who tried (on `field` when named)."""


# ---------------------------------------------------------------- time rules

def answer_due(filed_on: date) -> datetime:
    """The end of the N-th working day after filing (config SUGGESTIONS_ANSWER_WORKING_DAYS), as the
    office calendar counts them: public holidays, make-up working days and office closures included."""
    days = int(current_app.config["SUGGESTIONS_ANSWER_WORKING_DAYS"])
    _start, end = day_bounds(add_working_days(filed_on, days))
    return end


# ---------------------------------------------------------------- categories

def categories(active_only: bool = True) -> list[Category]:
    query = select(Category).order_by(Category.position, Category.id)
    if active_only:
        query = query.where(Category.active.is_(True))
    return list(db.session.scalars(query))


def category(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def seed_default_categories() -> None:
    """Give an installation without any category the default ones; a no-op once one exists.

    The list has no unique key, so the check and the insert are one statement, and on PostgreSQL a
    table lock makes a second seeder at the same moment wait and then find the rows.
    """
    if db.session.scalar(select(Category.id).limit(1)) is not None:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE suggestion_categories IN SHARE ROW EXCLUSIVE MODE"))
    rows = union_all(*(select(literal(zh).label("name_zh"), literal(en).label("name_en"),
                              literal(position).label("position"))
                       for position, (zh, en) in enumerate(DEFAULT_CATEGORIES))).subquery()
    missing = (select(rows.c.name_zh, rows.c.name_en, rows.c.position, true())
               .where(~select(Category.id).exists()).order_by(rows.c.position))
    db.session.execute(insert(Category).from_select(["name_zh", "name_en", "position", "active"], missing))
    db.session.commit()


def save_category(category: Category, *, name_zh: str, name_en: str, position: int, active: bool) -> None:
    category.name_zh, category.name_en = name_zh.strip(), name_en.strip()
    category.position, category.active = position, active
    if category.id is None:
        db.session.add(category)
    db.session.commit()


def save_template(template: AnswerTemplate, *, title: str, body: str, active: bool) -> None:
    template.title, template.body, template.active = title.strip(), body.strip(), active
    if template.id is None:
        db.session.add(template)
    db.session.commit()


# ---------------------------------------------------------------- filing

@dataclass
class Filed:
    suggestion: Suggestion
    code: str | None  # the tracking code, for an anonymous online note only
    repeated: bool    # True when this form had already been sent: nothing new was created


def _existing(token_hash: str) -> Suggestion | None:
    return db.session.scalar(select(Suggestion).where(Suggestion.form_token_hash == token_hash))


def file_suggestion(*, author, anonymous: bool, category: Category, title: str, details: str,
                    photo=None, token: str, paper_slip_date: date | None = None, entered_by=None) -> Filed:
    """Create one suggestion from a submitted form; a resent form returns the first one instead.

    This is `idempotency.once` kept on the suggestion row: the form token's hash sits in a unique
    column, because a row in the shared form_submissions table would date an anonymous note to the
    second. Anonymous notes and paper slips store no author and only the day; nothing else is
    written in the same transaction for them, so no other row can date or identify them.
    """
    paper = paper_slip_date is not None
    anonymous = anonymous or paper
    token_hash = digest("form:" + token)
    code = tracking_code_for(token) if anonymous and not paper else None
    found = _existing(token_hash)
    if found is not None:
        return Filed(found, code, True)
    stored = _save_photo(photo)
    suggestion = _new_suggestion(author=None if anonymous else author, paper_slip_date=paper_slip_date,
                                 category=category, title=title, details=details, stored=stored)
    suggestion.tracking_hash, suggestion.form_token_hash = (digest(code) if code else None), token_hash
    db.session.add(suggestion)
    if paper:
        db.session.flush()
        db.session.add(Event(suggestion_id=suggestion.id, actor_id=entered_by.id, kind="paper"))
    try:
        db.session.commit()
    except IntegrityError:
        # The same form won a race on another worker a moment ago; the rollback drops this photo too.
        db.session.rollback()
        return Filed(_existing(token_hash), code, True)
    if not suggestion.anonymous:
        numbers.number_named(suggestion)
    return Filed(suggestion, code, False)


def _save_photo(photo):
    if not photo:
        return None
    try:
        return uploads.save_image(photo, PHOTO_KIND)
    except uploads.ImageRejected as exc:
        raise SuggestionError(str(exc), "photo") from exc


def _new_suggestion(*, author, paper_slip_date, category, title, details, stored) -> Suggestion:
    """The row itself; without an author it is dated to the day only (midnight, office time)."""
    filed_on = paper_slip_date or today()
    midnight, _end = day_bounds(filed_on)
    return Suggestion(
        author_id=author.id if author else None, anonymous=author is None,
        source="paper" if paper_slip_date else "online", category_id=category.id, title=title.strip(),
        details=details.strip(), photo_name=stored.name if stored else None, status=Status.NEW.value,
        created_at=utcnow() if author else midnight, answer_due_at=answer_due(filed_on))


# ---------------------------------------------------------------- who sees what

def is_office(user) -> bool:
    return user.has_any_role(Role.OFFICE)


def scope_for(user):
    """The suggestions a user may open: the office sees all, everyone else their own named ones."""
    query = select(Suggestion)
    if not is_office(user):
        query = query.where(Suggestion.author_id == user.id)
    return query


def get_for(user, suggestion_id: int) -> Suggestion | None:
    return db.session.scalar(scope_for(user).where(Suggestion.id == suggestion_id)
                             .options(selectinload(Suggestion.author), selectinload(Suggestion.merged_into)))


def followed(suggestion: Suggestion) -> Suggestion:
    """The suggestion whose answers the author follows: the survivor if theirs was merged."""
    return suggestion.merged_into if suggestion.merged_into_id else suggestion


def thread(suggestion: Suggestion) -> list[Answer]:
    """What the author reads: published office answers and their own replies, then the survivor's
    office answers when theirs was merged (never the survivor's author's replies)."""
    own = _published(suggestion.id, with_replies=True)
    if suggestion.merged_into_id:
        own += _published(suggestion.merged_into_id, with_replies=False)
    return sorted(own, key=lambda a: (a.thread_at, a.id))


def _published(suggestion_id: int, with_replies: bool) -> list[Answer]:
    query = (select(Answer).where(Answer.suggestion_id == suggestion_id, Answer.published_at.is_not(None))
             .order_by(Answer.thread_at, Answer.id))
    if not with_replies:
        query = query.where(Answer.from_author.is_(False))
    return list(db.session.scalars(query))


@dataclass
class AnswerSummary:
    """What "mine" shows of a suggestion's office answers."""
    latest: Answer | None  # the newest office answer, shown in full
    plan: Answer | None    # while deferred: the answer that deferred it, with the plan and target date
    earlier: int           # how many older office answers the detail page shows besides


def answer_summary(suggestion: Suggestion) -> AnswerSummary:
    """Summarise the office answers the author can read (from a page loaded by queries.mine(), no query)."""
    answers = sorted((a for s in (suggestion, suggestion.merged_into) if s is not None for a in s.answers
                      if not a.from_author), key=lambda a: (a.thread_at, a.id))
    shown = followed(suggestion)
    plan = None
    if shown.status == Status.DEFERRED.value:
        plan = next((a for a in reversed(answers)
                     if a.suggestion_id == shown.id and a.status_to == Status.DEFERRED.value), None)
    return AnswerSummary(answers[-1] if answers else None, plan, max(len(answers) - 1, 0))


# ---------------------------------------------------------------- the author's side

def reply(suggestion: Suggestion, body: str) -> Answer:
    """The author answers back; an anonymous reply is dated to the day only, like the note."""
    body = body.strip()
    if not body:
        raise SuggestionError(_l("Write your reply first."), "body")
    if suggestion.anonymous:
        moment, _end = day_bounds(today())
        place = _place_after_read(suggestion, moment)
    else:
        moment = place = utcnow()
    answer = Answer(suggestion_id=suggestion.id, from_author=True, body=body, created_at=moment,
                    published_at=moment, thread_at=place)
    db.session.add(answer)
    db.session.commit()
    return answer


def _place_after_read(suggestion: Suggestion, midnight: datetime) -> datetime:
    """An anonymous reply's place in its thread: just after the last entry its author can read (their
    thread and, once merged, the office answers they follow), or today's midnight if that is later.
    It tells when the reply came only as much as the thread's order already does."""
    readable = or_(Answer.suggestion_id == suggestion.id,
                   and_(Answer.suggestion_id == suggestion.merged_into_id, Answer.from_author.is_(False)))
    last = db.session.scalar(select(func.max(Answer.thread_at)).where(readable, Answer.published_at.is_not(None)))
    return max(midnight, last + timedelta(microseconds=1)) if last else midnight


def rating_of(suggestion: Suggestion) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.suggestion_id == suggestion.id))


def can_rate(suggestion: Suggestion) -> bool:
    return followed(suggestion).status_enum.can_be_rated and rating_of(suggestion) is None


def rate(suggestion: Suggestion, score: int, comment: str) -> Rating:
    """One rating per suggestion, once the office has resolved, deferred or declined it."""
    if not followed(suggestion).status_enum.can_be_rated:
        raise SuggestionError(_l("You can rate once the office has given its answer."))
    if not 1 <= int(score) <= 5:
        raise SuggestionError(_l("Choose from 1 to 5 stars."), "score")
    rating = Rating(suggestion_id=suggestion.id, score=int(score), comment=(comment or "").strip(),
                    rated_on=today())
    db.session.add(rating)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SuggestionError(_l("This suggestion is already rated. Thank you!")) from None
    return rating


def me_too_count(suggestion: Suggestion) -> int:
    """How many colleagues said "me too" (shown to the author; the board shows it to everyone)."""
    return db.session.scalar(select(func.count(MeToo.id)).where(MeToo.suggestion_id == suggestion.id)) or 0


def me_too(suggestion: Suggestion, user) -> bool:
    """Count the user once; False when they had already said "me too" (the unique key decides)."""
    if not suggestion.on_board:
        raise SuggestionError(_l("Only suggestions on the board can get a “me too”."))
    db.session.add(MeToo(suggestion_id=suggestion.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
