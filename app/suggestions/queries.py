"""The lists people browse, read-only: the author's own suggestions, the office's triage list, the
public board with its "me too" counts, and the answer templates."""
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload, with_expression

from app import search_grams
from app.auth.models import User
from app.extensions import db
from app.timeutil import day_bounds, utcnow

from .models import Answer, AnswerTemplate, MeToo, Suggestion
from .numbers import parse_reference
from .workflow import Status

PAGE_SIZE = 25
# A search with more matches per page shown so far finds its page walking the list's index newest first,
# each row probed in the grams (it stops after the page: a walk of about 1,000 index entries); fewer are read
# and sorted (about a millisecond for 1,000). A deep page of a common word is sorted too.
SORT_AFTER = 1000
STATUSES = tuple(s.value for s in Status)
NUMBER_NOISE = re.compile(r"^(no\.?|#|第)|号$|[\s\-]", re.IGNORECASE)


# ---------------------------------------------------------------- search helpers

def parse_number(text: str) -> int | None:
    """A suggestion's number as people paste it ("No. 123456789012", "第 123 456 789 012 号"), else None."""
    digits = NUMBER_NOISE.sub("", (text or "").strip())
    if len(digits) == 12 and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


def text_filter(q: str, status: str | None = None, probe: bool = False):
    """A number (S-2026-0412, or the 12-digit key) finds that one suggestion; other text is matched in
    the title and details, with % and _ taken literally. `status`: the list is of that status only, so the
    grams of that status are read (the caller filters by it too). `probe`: see search_grams.holding."""
    number = parse_number(q)
    if number is not None:
        return Suggestion.id == number
    reference = parse_reference(q)
    if reference is not None:
        return and_(Suggestion.number_year == reference[0], Suggestion.number_seq == reference[1])
    # The rows holding the text's grams (an index), then LIKE on those rows only, unless the gram decides.
    q = q.strip()
    grams = search_grams.holding(Suggestion, q, facet=status or (STATUSES if probe else None), probe=probe)
    return grams if search_grams.decides(q) else and_(grams, text_like(q))


def text_like(q: str):
    """The text in the title or the details, % and _ taken literally: what a search matches."""
    escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    contains = _contains(f"%{escaped}%")
    return or_(contains(Suggestion.title), contains(Suggestion.details))


def _contains(like: str):
    """A case-insensitive LIKE. SQLite's own LIKE already ignores case as its lower() does (ASCII letters
    only), so there ilike's lower() on both sides only doubles the cost of reading through the texts."""
    if db.session.get_bind().dialect.name == "sqlite":
        return lambda column: column.like(like, escape="\\")
    return lambda column: column.ilike(like, escape="\\")


def received_between(start: date | None, end: date | None):
    """SQL conditions for suggestions received between two office-time days, both included; None for neither."""
    conditions = []
    if start:
        conditions.append(Suggestion.created_at >= day_bounds(start)[0])
    if end:
        conditions.append(Suggestion.created_at < day_bounds(end)[1])
    return and_(*conditions) if conditions else None


def id_of(text: str) -> int | None:
    """The key of the suggestion a typed number (S-2026-0412 or the 12-digit key) names, else None."""
    number = parse_number(text)
    if number is not None:
        return number
    reference = parse_reference(text)
    if reference is None:
        return None
    return db.session.scalar(select(Suggestion.id).where(Suggestion.number_year == reference[0],
                                                         Suggestion.number_seq == reference[1]))


# ---------------------------------------------------------------- the author's own

def mine(user, page: int):
    """The user's named suggestions, newest first, with the answers they can read."""
    query = (select(Suggestion).where(Suggestion.author_id == user.id)
             .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
             .options(selectinload(Suggestion.merged_into).selectinload(
                 Suggestion.answers.and_(Answer.published_at.is_not(None))),
                 selectinload(Suggestion.answers.and_(Answer.published_at.is_not(None)))))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


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
    # Tied to the reply's own suggestion: a subquery naming Suggestion here would not correlate
    # through the EXISTS and would take the newest office answer of any suggestion.
    last_office = (select(func.max(office.thread_at))
                   .where(office.suggestion_id == Answer.suggestion_id, office.from_author.is_(False))
                   .scalar_subquery())
    return exists().where(Answer.suggestion_id == Suggestion.id, Answer.from_author.is_(True),
                          or_(last_office.is_(None), Answer.thread_at > last_office))


def _status(filters: TriageFilters) -> str | None:
    return filters.status if filters.status in STATUSES else None


def _filtered(query, filters: TriageFilters, probe: bool = False):
    status = _status(filters)
    if status:
        query = query.where(Suggestion.status == status)
    if filters.category:
        query = query.where(Suggestion.category_id == filters.category)
    if filters.source in ("online", "paper"):
        query = query.where(Suggestion.source == filters.source)
    days = received_between(filters.start, filters.end)
    if days is not None:
        query = query.where(days)
    if filters.q.strip():
        query = query.where(text_filter(filters.q, status, probe))
    if filters.overdue:
        query = query.where(Suggestion.first_answered_at.is_(None), Suggestion.answer_due_at < utcnow(),
                            Suggestion.status.in_([Status.NEW.value, Status.IN_PROGRESS.value]))
    return query


def triage(filters: TriageFilters, page: int):
    """The office's list with its filters; overdue = no answer yet and the due day has passed.

    The page is found as ids first, from the indexes alone, then only its 25 rows are read with their
    badges (draft, me-too count, new reply): a filter the database must sort for (overdue, a search) then
    never works out those correlated badges for the thousands of matching rows it sorts."""
    # A search is counted first, to choose how its page is found (SORT_AFTER).
    total = _search_count(filters) if filters.q.strip() else None
    ids = _filtered(select(Suggestion.id), filters, probe=total is not None and total > SORT_AFTER * page)
    ids = ids.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    pagination = db.paginate(ids, page=page, per_page=PAGE_SIZE, error_out=False, count=total is None)
    if total is not None:
        pagination.total = total
    rows = {s.id: s for s in db.session.scalars(_triage_rows(), {"ids": pagination.items})}
    pagination.items = [rows[ident] for ident in pagination.items]
    return pagination


def _search_count(filters: TriageFilters) -> int:
    """How many suggestions a search finds. A text its gram decides, with no filter but the status, is counted
    from the grams alone: reading each of 4,000 matches' rows to count them cost 15 ms at full scale."""
    q = filters.q.strip()  # decided: one or two characters, so never a suggestion's number
    alone = search_grams.decides(q) and not any((filters.category, filters.source, filters.start, filters.end,
                                                 filters.overdue))
    ids = (search_grams.postings(Suggestion, q, _status(filters)) if alone
           else _filtered(select(Suggestion.id), filters))
    return db.session.scalar(select(func.count()).select_from(ids.subquery()))


@cache
def _triage_rows():
    """The page's rows with their author (name and department, never roles) and badges, in one statement.
    Built once: putting its three correlated subqueries together took longer than running it."""
    return (select(Suggestion).where(Suggestion.id.in_(bindparam("ids", expanding=True)))
            .options(joinedload(Suggestion.author).lazyload(User.role_rows),
                     with_expression(Suggestion.has_draft, has_draft_expression()),
                     with_expression(Suggestion.me_too_count, me_too_count_expression()),
                     with_expression(Suggestion.has_new_reply, unanswered_reply_expression())))


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


# ---------------------------------------------------------------- answer templates

def templates(active_only: bool = True) -> list[AnswerTemplate]:
    query = select(AnswerTemplate).order_by(AnswerTemplate.title)
    if active_only:
        query = query.where(AnswerTemplate.active.is_(True))
    return list(db.session.scalars(query))
