"""Short suggestion numbers people can read out on the phone: S-2026-0412, a sequence per year.

The random ids stay the keys (see models.py): a number handed out at the moment of filing would
date an anonymous note between the named notes filed just before and after it. So a named note is
numbered as soon as it is filed, while anonymous notes and paper slips (stored with the day only)
are numbered the next day by `flask tick`, all of a day at once in the order of (day, random id).
Their number then says "filed on that day or before", which their date already says.
"""
import re

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import day_bounds, to_local, today

from .models import Suggestion

S = Suggestion
REFERENCE = re.compile(r"^S?-?(\d{4})-?(\d{1,6})$", re.IGNORECASE)
ATTEMPTS = 5


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, sequence) of "S-2026-0412" as people type it ("s 2026 412", "S20260412"), else None."""
    cleaned = re.sub(r"[\s_.]", "", (text or "").strip())
    match = REFERENCE.match(cleaned)
    # Bare digits ("20261") are more likely words searched for than a number: an S or a dash is needed.
    if not match or not cleaned.isascii() or not (cleaned[0] in "sS" or "-" in cleaned):
        return None
    return int(match[1]), int(match[2])


def _claim_next(suggestion_id: int, year: int) -> bool:
    """Give the suggestion the year's next number unless it has one. The unique index refuses a number
    taken by a parallel writer at the same moment; that attempt is rolled back and tried again."""
    following = (select(func.coalesce(func.max(S.number_seq), 0) + 1).where(S.number_year == year)
                 .scalar_subquery())
    # A plain UPDATE: numbering must not bump the version an office form is holding.
    result = db.session.execute(update(S).where(S.id == suggestion_id, S.number_seq.is_(None))
                                .values(number_year=year, number_seq=following)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def assign(suggestion_id: int, year: int) -> bool:
    """Number one suggestion and commit; False when it was numbered already (by another run)."""
    for _attempt in range(ATTEMPTS):
        try:
            claimed = _claim_next(suggestion_id, year)
            db.session.commit()
            return claimed
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError(f"could not number suggestion {suggestion_id}")


def number_named(suggestion: Suggestion) -> None:
    """A named note's number, right after it is filed (its moment is known to the office anyway)."""
    assign(suggestion.id, to_local(suggestion.created_at).year)
    db.session.refresh(suggestion)


def number_earlier_days() -> str:
    """`flask tick`: number every note filed before today that has no number yet, oldest day first and
    by random id within a day. Safe to run twice at once: each number is claimed by a conditional UPDATE."""
    midnight, _end = day_bounds(today())
    waiting = db.session.execute(select(S.id, S.created_at).where(S.number_seq.is_(None), S.created_at < midnight)
                                 .order_by(S.created_at, S.id)).all()
    numbered = sum(assign(suggestion_id, to_local(created_at).year) for suggestion_id, created_at in waiting)
    return f"{numbered} suggestions numbered" if numbered else "no suggestion to number"
