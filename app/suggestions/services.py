"""Filing a suggestion (named, anonymous or from a paper slip), who may see which one, and what
its author can do afterwards: read the answers, reply and rate."""
import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import uploads
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import to_local, to_utc, utcnow

from .models import Answer, Category, Event, Rating, Suggestion
from .workflow import Status

PHOTO_KIND = "suggestions"
PAGE_SIZE = 25
DEFAULT_CATEGORIES = [
    ("工作环境", "Work environment"), ("食堂与餐饮", "Canteen and meals"), ("通勤", "Commuting"),
    ("设施与设备", "Facilities and equipment"), ("工作方式", "Ways of working"), ("安全", "Safety"),
    ("其他", "Other"),
]
CODE_PATTERN = re.compile(r"^[A-Z2-7]{16}$")


class SuggestionError(ValueError):
    """A rule was broken; the message is shown to the person who tried."""


# ---------------------------------------------------------------- time rules

def local_today() -> date:
    return to_local(utcnow()).date()


def start_of_day(day: date) -> datetime:
    """Midnight of an office-time day, as naive UTC: how anonymous notes are dated."""
    return to_utc(datetime.combine(day, time()))


def add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def answer_due(filed_on: date) -> datetime:
    """The end of the N-th working day after filing (config SUGGESTIONS_ANSWER_WORKING_DAYS)."""
    days = int(current_app.config["SUGGESTIONS_ANSWER_WORKING_DAYS"])
    return start_of_day(add_working_days(filed_on, days) + timedelta(days=1))


# ---------------------------------------------------------------- categories

def categories(active_only: bool = True) -> list[Category]:
    """The category list; a new installation starts with the seven from the issue."""
    query = select(Category).order_by(Category.position, Category.id)
    if active_only:
        query = query.where(Category.active.is_(True))
    found = list(db.session.scalars(query))
    if not found and not db.session.scalar(select(func.count()).select_from(Category)):
        ensure_default_categories()
        found = list(db.session.scalars(query))
    return found


def category(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def ensure_default_categories() -> None:
    if db.session.scalar(select(func.count()).select_from(Category)):
        return
    for position, (zh, en) in enumerate(DEFAULT_CATEGORIES):
        db.session.add(Category(name_zh=zh, name_en=en, position=position))
    db.session.commit()


def save_category(category: Category, *, name_zh: str, name_en: str, position: int, active: bool) -> None:
    category.name_zh, category.name_en = name_zh.strip(), name_en.strip()
    category.position, category.active = position, active
    if category.id is None:
        db.session.add(category)
    db.session.commit()


# ---------------------------------------------------------------- tracking codes

def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def tracking_code_for(form_token: str) -> str:
    """The tracking code of the note filed with this form token.

    Derived (HMAC with the secret key) rather than stored, so a resent form shows the same code
    again while the database keeps only the code's hash.
    """
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), b"suggestion-code:" + form_token.encode(),
                   hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode()  # 80 bits, 16 characters A–Z 2–7


def normalize_code(text: str) -> str:
    """What people type: lower case, spaces and dashes, O for 0 — all forgiven."""
    cleaned = re.sub(r"[\s\-_.]", "", (text or "").upper()).replace("0", "O").replace("1", "I")
    return cleaned if CODE_PATTERN.match(cleaned) else ""


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def by_code(text: str) -> Suggestion | None:
    code = normalize_code(text)
    if not code:
        return None
    return db.session.scalar(select(Suggestion).where(Suggestion.tracking_hash == _digest(code))
                             .options(selectinload(Suggestion.merged_into)))


# ---------------------------------------------------------------- filing

@dataclass
class Filed:
    suggestion: Suggestion
    code: str | None  # the tracking code, for an anonymous online note only
    repeated: bool    # True when this form had already been sent: nothing new was created


def _existing(token_hash: str) -> Suggestion | None:
    return db.session.scalar(select(Suggestion).where(Suggestion.form_token_hash == token_hash))


def file_suggestion(*, author, anonymous: bool, category: Category, title: str, details: str,
                    photo=None, form_token: str, paper_slip_date: date | None = None,
                    entered_by=None) -> Filed:
    """Create one suggestion from a submitted form; a resent form returns the first one instead.

    Anonymous notes and paper slips store no author and only the day; nothing else is written
    in the same transaction for them, so no other row can date or identify them.
    """
    paper = paper_slip_date is not None
    anonymous = anonymous or paper
    token_hash = _digest("form:" + form_token)
    code = tracking_code_for(form_token) if anonymous and not paper else None
    found = _existing(token_hash)
    if found is not None:
        return Filed(found, code, True)
    stored = uploads.save_image(photo, PHOTO_KIND) if photo else None
    filed_on = paper_slip_date or local_today()
    suggestion = Suggestion(
        author_id=None if anonymous else author.id, anonymous=anonymous, source="paper" if paper else "online",
        category_id=category.id, title=title.strip(), details=details.strip(),
        photo_name=stored.name if stored else None, status=Status.NEW.value,
        created_at=start_of_day(filed_on) if anonymous else utcnow(), answer_due_at=answer_due(filed_on),
        tracking_hash=_digest(code) if code else None, form_token_hash=token_hash)
    db.session.add(suggestion)
    if paper:
        db.session.flush()
        db.session.add(Event(suggestion_id=suggestion.id, actor_id=entered_by.id, kind="paper"))
    try:
        db.session.commit()
    except IntegrityError:
        # The same form won a race on another worker a moment ago.
        db.session.rollback()
        if stored:
            uploads.delete_image(PHOTO_KIND, stored.name)
        return Filed(_existing(token_hash), code, True)
    if stored and anonymous:
        _coarsen_file_times(stored, suggestion.created_at)
    return Filed(suggestion, code, False)


def _coarsen_file_times(stored, moment: datetime) -> None:
    """The photo files of an anonymous note carry the day, like the note, not the minute."""
    stamp = (moment - datetime(1970, 1, 1)).total_seconds()
    for name in (stored.name, stored.thumb_name):
        path = uploads.stored_path(PHOTO_KIND, name)
        if path is not None:
            os.utime(path, (stamp, stamp))


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


def mine(user, page: int):
    """The user's named suggestions, newest first, with the answers they can read."""
    query = (select(Suggestion).where(Suggestion.author_id == user.id)
             .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
             .options(selectinload(Suggestion.merged_into).selectinload(
                 Suggestion.answers.and_(Answer.published_at.is_not(None))),
                 selectinload(Suggestion.answers.and_(Answer.published_at.is_not(None)))))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def thread(suggestion: Suggestion) -> list[Answer]:
    """What the author reads: published office answers and their own replies, then the survivor's
    office answers when theirs was merged (never the survivor's author's replies)."""
    own = _published(suggestion.id, with_replies=True)
    if suggestion.merged_into_id:
        own += _published(suggestion.merged_into_id, with_replies=False)
    return sorted(own, key=lambda a: (a.published_at, a.id))


def _published(suggestion_id: int, with_replies: bool) -> list[Answer]:
    query = (select(Answer).where(Answer.suggestion_id == suggestion_id, Answer.published_at.is_not(None))
             .order_by(Answer.published_at, Answer.id))
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
    """Summarise the office answers the author can read (from a page loaded by mine(), no query)."""
    answers = sorted((a for s in (suggestion, suggestion.merged_into) if s is not None for a in s.answers
                      if not a.from_author), key=lambda a: (a.published_at, a.id))
    shown = followed(suggestion)
    plan = None
    if shown.status == Status.DEFERRED.value:
        plan = next((a for a in reversed(answers)
                     if a.suggestion_id == shown.id and a.status_to == Status.DEFERRED.value), None)
    return AnswerSummary(answers[-1] if answers else None, plan, max(len(answers) - 1, 0))


# ---------------------------------------------------------------- the author's side

def reply(suggestion: Suggestion, body: str) -> Answer:
    """The author answers back; an anonymous reply is dated to the day, like the note (but after the
    answer it replies to, which tells nothing the thread does not already show)."""
    body = body.strip()
    if not body:
        raise SuggestionError(_l("Write your reply first."))
    moment = utcnow()
    if suggestion.anonymous:
        last = db.session.scalar(select(func.max(Answer.published_at)).where(Answer.suggestion_id == suggestion.id))
        moment = max(start_of_day(local_today()), last + timedelta(microseconds=1) if last else datetime.min)
    answer = Answer(suggestion_id=suggestion.id, from_author=True, body=body, created_at=moment,
                    published_at=moment)
    db.session.add(answer)
    db.session.commit()
    return answer


def rating_of(suggestion: Suggestion) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.suggestion_id == suggestion.id))


def can_rate(suggestion: Suggestion) -> bool:
    return followed(suggestion).status_enum.can_be_rated and rating_of(suggestion) is None


def rate(suggestion: Suggestion, score: int, comment: str) -> Rating:
    """One rating per suggestion, once the office has resolved, deferred or declined it."""
    if not followed(suggestion).status_enum.can_be_rated:
        raise SuggestionError(_l("You can rate once the office has given its answer."))
    if not 1 <= int(score) <= 5:
        raise SuggestionError(_l("Choose from 1 to 5 stars."))
    rating = Rating(suggestion_id=suggestion.id, score=int(score), comment=(comment or "").strip(),
                    rated_on=local_today())
    db.session.add(rating)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SuggestionError(_l("This suggestion is already rated. Thank you!")) from None
    return rating


def local_day_bounds(start: date | None, end: date | None):
    """SQL conditions for created_at between two office-time days, both included."""
    conditions = []
    if start:
        conditions.append(Suggestion.created_at >= start_of_day(start))
    if end:
        conditions.append(Suggestion.created_at < start_of_day(end + timedelta(days=1)))
    return and_(*conditions) if conditions else None


NUMBER_NOISE = re.compile(r"^(no\.?|#|第)|号$|[\s\-]", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """A suggestion's number as people paste it ("No. 123456789012", "第 123 456 789 012 号"), else None."""
    digits = NUMBER_NOISE.sub("", (text or "").strip())
    if len(digits) == 12 and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


def text_filter(q: str):
    """A number finds that one suggestion by its key; other text is matched in the title and details,
    with % and _ taken literally."""
    number = parse_number(q)
    if number is not None:
        return Suggestion.id == number
    escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return or_(Suggestion.title.ilike(like, escape="\\"), Suggestion.details.ilike(like, escape="\\"))
