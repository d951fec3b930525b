"""The lists people browse: the office's triage list, the public board with "me too", and the
answer templates."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload, with_expression

from app.extensions import db
from app.timeutil import utcnow

from .models import Answer, AnswerTemplate, MeToo, Suggestion
from .services import PAGE_SIZE, SuggestionError, local_day_bounds, text_filter
from .workflow import Status


# ---------------------------------------------------------------- triage list

@dataclass
class TriageFilters:
    status: str = ""
    category: int | None = None
    source: str = ""
    start: date | None = None
    end: date | None = None
    q: str = ""
    overdue: bool = False


def has_draft_expression():
    return exists().where(Answer.suggestion_id == Suggestion.id, Answer.published_at.is_(None))


def unanswered_reply_expression():
    """True when the author's newest reply came after the office's newest published answer."""
    office = aliased(Answer)
    last_office = (select(func.max(office.published_at))
                   .where(office.suggestion_id == Suggestion.id, office.from_author.is_(False)).scalar_subquery())
    return exists().where(Answer.suggestion_id == Suggestion.id, Answer.from_author.is_(True),
                          or_(last_office.is_(None), Answer.published_at > last_office))


def triage(filters: TriageFilters, page: int):
    """The office's list with its filters; overdue = no answer yet and the due day has passed."""
    query = (select(Suggestion).options(selectinload(Suggestion.author),
                                        with_expression(Suggestion.has_draft, has_draft_expression()),
                                        with_expression(Suggestion.me_too_count, me_too_count_expression()),
                                        with_expression(Suggestion.has_new_reply, unanswered_reply_expression()))
             .order_by(Suggestion.created_at.desc(), Suggestion.id.desc()))
    if filters.status in {s.value for s in Status}:
        query = query.where(Suggestion.status == filters.status)
    if filters.category:
        query = query.where(Suggestion.category_id == filters.category)
    if filters.source in ("online", "paper"):
        query = query.where(Suggestion.source == filters.source)
    days = local_day_bounds(filters.start, filters.end)
    if days is not None:
        query = query.where(days)
    if filters.q.strip():
        query = query.where(text_filter(filters.q))
    if filters.overdue:
        query = query.where(Suggestion.first_answered_at.is_(None), Suggestion.answer_due_at < utcnow(),
                            Suggestion.status.in_([Status.NEW.value, Status.IN_PROGRESS.value]))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


# ---------------------------------------------------------------- the public board

def me_too_count_expression():
    return select(func.count(MeToo.id)).where(MeToo.suggestion_id == Suggestion.id).scalar_subquery()


def _board_query(user):
    count = me_too_count_expression()
    voted = exists().where(MeToo.suggestion_id == Suggestion.id, MeToo.user_id == user.id)
    return (select(Suggestion).where(Suggestion.on_board.is_(True))
            .options(with_expression(Suggestion.me_too_count, count), with_expression(Suggestion.voted, voted),
                     selectinload(Suggestion.answers.and_(Answer.published_at.is_not(None),
                                                          Answer.from_author.is_(False)))))


def board(user, page: int):
    """Suggestions the office published, with their office answers, me-too counts and the reader's vote."""
    query = _board_query(user).order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def board_item(user, suggestion_id: int) -> Suggestion | None:
    """One board entry, freshly counted, for the inline "me too" swap."""
    db.session.expire_all()
    return db.session.scalar(_board_query(user).where(Suggestion.id == suggestion_id)
                             .execution_options(populate_existing=True))


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


# ---------------------------------------------------------------- answer templates

def templates(active_only: bool = True) -> list[AnswerTemplate]:
    query = select(AnswerTemplate).order_by(AnswerTemplate.title)
    if active_only:
        query = query.where(AnswerTemplate.active.is_(True))
    return list(db.session.scalars(query))


def save_template(template: AnswerTemplate, *, title: str, body: str, active: bool) -> None:
    template.title, template.body, template.active = title.strip(), body.strip(), active
    if template.id is None:
        db.session.add(template)
    db.session.commit()
