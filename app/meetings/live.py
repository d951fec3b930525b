"""The live screen's bookkeeping in the database: revision counters, "what changed since V", presence.

Every gunicorn worker answers from the database alone, so any number of workers (and a restart)
give the same answer. A change bumps the meeting's `revision` inside the change's own transaction;
the UPDATE takes the meeting row's lock, so revisions are handed out and committed in order.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow

from .models import AgendaItem, FollowupChange, Meeting, MeetingSeries, Presence
from .series import seen_by
from .workflow import MeetingStatus

PRESENCE_WINDOW = timedelta(seconds=25)  # a screen says it is here every 10 s (templates/meetings/_live.html)


def bump(meeting_id: int, *, layout: bool = False, followup: bool = False, open_only: bool = False) -> int | None:
    """Raise the meeting's revision by one (joining the caller's transaction) and return the new value.

    With `open_only`, only while the meeting is not closed (None when it is): a change to the agenda bumps
    first, so it holds the meeting row's lock before it reads or writes anything else, and a close that
    committed a moment earlier is seen here rather than written over."""
    values = {"revision": Meeting.revision + 1}
    if layout:
        values["layout_revision"] = Meeting.revision + 1
    if followup:
        values["followup_revision"] = Meeting.revision + 1
    condition = [Meeting.id == meeting_id]
    if open_only:
        condition.append(Meeting.status != MeetingStatus.CLOSED)
    bumped = db.session.execute(update(Meeting).where(*condition).values(**values)
                                .execution_options(synchronize_session=False)).rowcount
    if bumped != 1:
        return None
    return db.session.scalar(select(Meeting.revision).where(Meeting.id == meeting_id))


def announce_followup(meeting_ids, action_id: int | None = None) -> None:
    """Open meetings showing an action item in their follow-up section: redraw that row, or (no
    action_id, e.g. a new action item) the whole section."""
    for meeting_id in meeting_ids:
        revision = bump(meeting_id, followup=action_id is None)
        if action_id is None:
            continue
        row = db.session.get(FollowupChange, (meeting_id, action_id))
        if row is None:
            db.session.add(FollowupChange(meeting_id=meeting_id, action_id=action_id, revision=revision))
        else:
            row.revision = revision


@dataclass
class Changes:
    revision: int
    layout: bool
    followup: bool
    items: list = field(default_factory=list)       # changed items, to redraw in place
    new_items: list = field(default_factory=list)   # added items, to append to the agenda
    action_ids: list = field(default_factory=list)  # follow-up rows to redraw


def revisions(meeting_id: int, reader: User | None = None):
    """The one cheap query every open screen runs each second: a primary-key lookup of three integers.
    With `reader`, None also when that person may not see the meeting (series.seen_by, in the same query),
    so the poll never tells a stranger that a group's meeting exists or when it changed."""
    query = select(Meeting.revision, Meeting.layout_revision, Meeting.followup_revision).where(Meeting.id == meeting_id)
    if reader is not None:
        query = query.join(MeetingSeries, MeetingSeries.id == Meeting.series_id).where(seen_by(reader))
    return db.session.execute(query).one_or_none()


def changes_since(meeting_id: int, since: int, row=None) -> Changes | None:
    """None when nothing changed after `since`; else what the screen must redraw. `row`: the meeting's
    revisions when the caller has read them already."""
    row = row or revisions(meeting_id)
    if row is None or row.revision <= since:
        return None
    changes = Changes(revision=row.revision, layout=row.layout_revision > since,
                      followup=row.followup_revision > since)
    if not changes.layout:
        # Uses the (meeting_id, revision) index; bounded by the revision read above so a change
        # committing in between is sent next time, not lost.
        items = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.revision > since,
                                     AgendaItem.revision <= row.revision)
            .options(selectinload(AgendaItem.actions)).order_by(AgendaItem.position, AgendaItem.id))
        for item in items:
            (changes.new_items if item.added_revision > since else changes.items).append(item)
    if not changes.followup:
        changes.action_ids = list(db.session.scalars(
            select(FollowupChange.action_id).where(FollowupChange.meeting_id == meeting_id,
                                                   FollowupChange.revision > since,
                                                   FollowupChange.revision <= row.revision)))
    return changes


def touch(meeting_id: int, user: User) -> None:
    """Note that `user` has the live screen open now."""
    row = db.session.get(Presence, (meeting_id, user.id))
    if row is None:
        db.session.add(Presence(meeting_id=meeting_id, user_id=user.id, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        # The same person's second tab inserted the row a moment earlier; that is as good.
        db.session.rollback()


@dataclass
class Audience:
    """Who has the live screen open: the liaisons by name, everyone else only counted."""
    liaisons: list[User]
    others: int


def present(meeting_id: int, member_ids=None) -> Audience:
    """People who had the live screen open within the last few seconds. The liaison meeting is the liaisons'
    meeting, so the header names them with their department (a group's meeting: its members, `member_ids`);
    office staff are only counted."""
    since = utcnow() - PRESENCE_WINDOW
    rows = db.session.scalars(select(Presence).where(Presence.meeting_id == meeting_id, Presence.seen_at >= since))
    people = [row.user for row in rows]
    named = (lambda u: u.id in member_ids) if member_ids is not None else (lambda u: u.has_any_role(Role.LIAISON))
    liaisons = sorted((u for u in people if named(u)), key=lambda u: u.name)
    return Audience(liaisons=liaisons, others=len(people) - len(liaisons))
