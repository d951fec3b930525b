"""The office's answers (published at once or drafted for the weekly triage), status changes
through the state machine, merging duplicates, internal notes and the board choice."""
from contextlib import contextmanager
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, with_expression
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.errors import Conflict
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.timeutil import utcnow

from . import workflow
from .models import Answer, Event, MeToo, Note, Suggestion
from .queries import has_draft_expression
from .services import SuggestionError
from .workflow import Status, TransitionError


class StaleSuggestion(Conflict):
    """Someone else changed the suggestion since this form was opened (answers 409)."""


STALE_MESSAGE = _l("Someone else changed this suggestion meanwhile. Here is its current state; "
                   "check it and send your answer again.")


# ---------------------------------------------------------------- answers and drafts

def draft_of(suggestion: Suggestion) -> Answer | None:
    return db.session.scalar(select(Answer).where(Answer.suggestion_id == suggestion.id,
                                                  Answer.published_at.is_(None)))


def _check(suggestion: Suggestion, user, status_to: str, body: str, plan: str, target_date) -> None:
    if status_to:
        workflow.check(suggestion.status, status_to, workflow.actors_of(user, suggestion), body=body, plan=plan,
                       target_date=target_date)
    elif not body.strip():
        raise TransitionError(_l("Write the answer the author will read."), "body")


def answer(suggestion: Suggestion, user, *, version: int, status_to: str = "", body: str = "",
           plan: str = "", target_date: date | None = None, publish: bool = True) -> Answer:
    """Write (or rewrite) the suggestion's answer; publish it now or keep it as a draft.

    Raises TransitionError for a change the state machine refuses, StaleSuggestion when the
    suggestion changed since the form was opened. Nothing is written in either case.
    """
    if version != suggestion.version:
        raise StaleSuggestion(STALE_MESSAGE)
    _check(suggestion, user, status_to, body, plan, target_date)
    with _writing():
        draft = draft_of(suggestion) or Answer(suggestion_id=suggestion.id)
        draft.written_by_id, draft.status_to, draft.body = user.id, status_to or None, body.strip()
        draft.plan = plan.strip() if status_to == Status.DEFERRED.value else None
        draft.target_date = target_date if status_to == Status.DEFERRED.value else None
        db.session.add(draft)
        if publish:
            _publish(suggestion, draft, user)
        else:
            # A draft bumps the version too, so two people drafting at once do not overwrite each other.
            flag_modified(suggestion, "status")
            db.session.add(Event(suggestion_id=suggestion.id, actor_id=user.id, kind="draft"))
    return draft


@contextmanager
def _writing():
    """Make the changes inside and commit them, or none of them. Someone else's change since the
    suggestion was read makes it a StaleSuggestion (409), whether the version check fires at the
    commit or at an autoflush before it (a query made halfway, such as who to notify)."""
    try:
        yield
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleSuggestion(STALE_MESSAGE) from None
    except Exception:
        db.session.rollback()
        raise


def _publish(suggestion: Suggestion, draft: Answer, user) -> None:
    """Apply the draft's status change, date it, keep the history and tell the named authors."""
    if draft.status_to:
        workflow.check(suggestion.status, draft.status_to, workflow.actors_of(user, suggestion), body=draft.body,
                       plan=draft.plan or "", target_date=draft.target_date)
    now = utcnow()
    draft.status_from = suggestion.status
    draft.published_at = draft.thread_at = now
    if draft.status_to:
        suggestion.status = draft.status_to
    suggestion.first_answered_at = suggestion.first_answered_at or now
    flag_modified(suggestion, "status")  # every answer bumps the version, even one without a status change
    detail = f"{draft.status_from} → {draft.status_to}" if draft.status_to else ""
    db.session.add(Event(suggestion_id=suggestion.id, actor_id=user.id, kind="answer", detail=detail))
    authors = followed_by(suggestion)
    for own in authors:
        if own.id == suggestion.id:
            message = _l("The office answered your suggestion “%(title)s”.", title=own.title)
        else:
            message = _l("The office answered your suggestion “%(title)s” (merged with one on the same topic).",
                         title=own.title)
        _tell_author(own, message)
    _tell_supporters(suggestion, {own.author_id for own in authors})


def followed_by(suggestion: Suggestion) -> list[Suggestion]:
    """The named suggestions whose authors read this one's answers: itself and the duplicates merged
    into it, one per author (their own first), each with its author loaded."""
    query = (select(Suggestion).where(or_(Suggestion.id == suggestion.id, Suggestion.merged_into_id == suggestion.id),
                                      Suggestion.author_id.is_not(None))
             .options(selectinload(Suggestion.author)).order_by(Suggestion.id != suggestion.id, Suggestion.id))
    by_author: dict[int, Suggestion] = {}
    for own in db.session.scalars(query):
        by_author.setdefault(own.author_id, own)
    return list(by_author.values())


def _tell_author(own: Suggestion, message) -> None:
    """Notify the author of `own` with a link to `own`: the one page of the thread they may open
    (a merged duplicate's page shows the survivor's status and answers)."""
    notify([own.author], message, link=path_for("suggestions.detail", suggestion_id=own.id),
           kind=Kind.ANSWER_PUBLISHED, commit=False)


def _tell_supporters(suggestion: Suggestion, told: set) -> None:
    """Everyone who said "me too" on the board hears of the answer, with a link to the board (the public
    page they saw it on). Named authors, told above, are skipped; an anonymous author has no author id,
    so nothing here tells them apart from any other supporter."""
    supporters = db.session.scalars(select(User).join(MeToo, MeToo.user_id == User.id)
                                    .where(MeToo.suggestion_id == suggestion.id).order_by(User.id))
    notify([u for u in supporters if u.id not in told],
           _l("A suggestion you supported on the board was answered: “%(title)s”.", title=suggestion.title),
           link=path_for("suggestions.board"), kind=Kind.ANSWER_PUBLISHED, commit=False)


def publish_draft(suggestion: Suggestion, user, version: int) -> None:
    """Publish the drafted answer as it stands; StaleSuggestion when the suggestion changed (the draft
    was published or rewritten by someone else) since the page was opened."""
    if version != suggestion.version:
        raise StaleSuggestion(STALE_MESSAGE)
    draft = draft_of(suggestion)
    if draft is None:
        raise SuggestionError(_l("There is no drafted answer to publish."))
    with _writing():
        _publish(suggestion, draft, user)


def _drafted_ids():
    # From the answers side: the published_at index finds the few drafts among 50,000 suggestions.
    return select(Answer.suggestion_id).where(Answer.published_at.is_(None))


def drafts() -> list[Suggestion]:
    """Suggestions with a drafted answer waiting for the weekly triage."""
    query = (select(Suggestion).where(Suggestion.id.in_(_drafted_ids()))
             .options(with_expression(Suggestion.has_draft, has_draft_expression()))
             .order_by(Suggestion.created_at))
    return list(db.session.scalars(query))


def draft_count() -> int:
    return db.session.scalar(select(func.count(func.distinct(Answer.suggestion_id)))
                             .where(Answer.published_at.is_(None)))


def publish_all_drafts(user) -> tuple[int, list[str]]:
    """Publish every drafted answer; one whose change is no longer allowed stays a draft.

    Returns how many were published and the titles of those left as drafts.
    """
    published, skipped = 0, []
    for suggestion in drafts():
        try:
            _publish(suggestion, draft_of(suggestion), user)
            db.session.commit()
            published += 1
        except (TransitionError, StaleDataError):
            db.session.rollback()
            skipped.append(suggestion.title)
    return published, skipped


def discard_draft(suggestion: Suggestion) -> None:
    draft = draft_of(suggestion)
    if draft is not None:
        db.session.delete(draft)
        db.session.commit()


def office_view(suggestion: Suggestion) -> list[Answer]:
    """Every answer of a suggestion for the office, drafts included, with their writers."""
    # Drafts (not yet published) come last, in the order they were written.
    return list(db.session.scalars(select(Answer).where(Answer.suggestion_id == suggestion.id)
                                   .options(selectinload(Answer.written_by))
                                   .order_by(Answer.thread_at.is_(None), Answer.thread_at, Answer.created_at)))


def history(suggestion: Suggestion) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.suggestion_id == suggestion.id)
                                   .options(selectinload(Event.actor)).order_by(Event.id)))


def duplicates_of(suggestion: Suggestion) -> list[Suggestion]:
    return list(db.session.scalars(select(Suggestion).where(Suggestion.merged_into_id == suggestion.id)
                                   .order_by(Suggestion.created_at)))


# ---------------------------------------------------------------- merging, notes, board choice

def merge(duplicate: Suggestion, survivor: Suggestion | None, user) -> None:
    """Close `duplicate` into `survivor`; its author (and any earlier duplicates) follow the survivor."""
    _check_merge(duplicate, survivor)
    with _writing():
        now = utcnow()
        db.session.add(Answer(suggestion_id=duplicate.id, status_from=duplicate.status, status_to=Status.MERGED.value,
                              body="", written_by_id=user.id, published_at=now, thread_at=now))
        # Read before the earlier duplicates move on: their authors are told too.
        told = followed_by(duplicate)
        for earlier in duplicates_of(duplicate):
            earlier.merged_into_id = survivor.id
        duplicate.status = Status.MERGED.value
        duplicate.merged_into_id = survivor.id
        duplicate.first_answered_at = duplicate.first_answered_at or now
        db.session.add_all([
            Event(suggestion_id=duplicate.id, actor_id=user.id, kind="merged", detail=str(survivor.id)),
            Event(suggestion_id=survivor.id, actor_id=user.id, kind="absorbed", detail=str(duplicate.id))])
        for own in told:
            _tell_author(own, _l("Your suggestion “%(title)s” was merged with one on the same topic; "
                                 "you will see its answers.", title=own.title))


def _check_merge(duplicate: Suggestion, survivor: Suggestion | None) -> None:
    """Raise SuggestionError (on the number typed) unless `duplicate` may be merged into `survivor`."""
    if survivor is None:
        raise SuggestionError(_l("No suggestion has this number. Copy it from the triage list."), "target_id")
    if survivor.id == duplicate.id:
        raise SuggestionError(_l("Choose another suggestion to merge into."), "target_id")
    if survivor.merged_into_id is not None:
        raise SuggestionError(_l("That suggestion was itself merged; merge into the one it follows."), "target_id")
    if duplicate.status not in workflow.MERGE.sources:
        raise SuggestionError(_l("Only a new, in-progress or deferred suggestion can be merged."), "target_id")


def add_note(suggestion: Suggestion, user, body: str) -> Note:
    if not body.strip():
        raise SuggestionError(_l("The note is empty."))
    note = Note(suggestion_id=suggestion.id, author_id=user.id, body=body.strip())
    db.session.add(note)
    db.session.commit()
    return note


def notes(suggestion: Suggestion) -> list[Note]:
    return list(db.session.scalars(select(Note).where(Note.suggestion_id == suggestion.id)
                                   .options(selectinload(Note.author)).order_by(Note.id)))


def set_on_board(suggestion: Suggestion, user, shown: bool) -> None:
    with _writing():
        suggestion.on_board = shown
        db.session.add(Event(suggestion_id=suggestion.id, actor_id=user.id, kind="board" if shown else "unboard"))
