"""A meeting's life: starting, closing (undiscussed items move on, follow-ups are kept as reviewed,
every liaison is told), and amendments to the locked minutes."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.timeutil import to_local, to_utc, utcnow

from . import live, notices, queries, series
from .attendance import freeze_attendance, is_confirmed
from .models import ActionItem, AgendaItem, Amendment, FollowupReview, Meeting
from .services import MeetingConflict, MeetingError, Viewer, next_slot
from .workflow import MEETING_TRANSITIONS, ItemStatus, MeetingStatus


class AttendanceUnconfirmed(MeetingError):
    """Closing would freeze attendance nobody confirmed: the office is asked first (the close page)."""


def change_status(viewer: Viewer, move_name: str, *, attendance_accepted: bool = False) -> None:
    """Start or close the meeting, as the meeting table allows this person. Closing with attendance nobody
    confirmed needs `attendance_accepted` (the office saw the proposed attendance and chose to keep it)."""
    move = MEETING_TRANSITIONS.get(move_name)
    if move is None or move not in viewer.moves():
        raise MeetingError(_l("This step is not possible now."))
    if move.target == MeetingStatus.CLOSED and not attendance_accepted and not is_confirmed(viewer.meeting):
        raise AttendanceUnconfirmed(_l("Nobody has confirmed the attendance yet."))
    _claim_status(viewer.meeting, move)
    if move.target == MeetingStatus.CLOSED:
        return close_meeting(viewer)
    viewer.meeting.status = move.target
    viewer.meeting.started_at = utcnow()
    live.bump(viewer.meeting.id, layout=True)
    db.session.commit()


def _claim_status(meeting: Meeting, move) -> None:
    """Compare-and-set on the meeting's status, its first write: of two office staff closing (or starting) the
    same meeting at once, one does it and the other is told, instead of closing it twice. The loaded meeting
    keeps its status until the move's work is done (the close reads the agenda and follow-ups as open)."""
    shown = meeting.status
    moved = db.session.execute(update(Meeting).where(Meeting.id == meeting.id, Meeting.status == shown)
                               .values(status=move.target).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.rollback()
        current = db.session.get(Meeting, meeting.id)
        raise MeetingConflict(_l("Someone else changed this meeting first; it is now: %(status)s.",
                                 status=current.status_enum.label), current=current)


def following_meeting(meeting: Meeting) -> Meeting:
    """The next open meeting after this one, created on the weekly default when there is none yet."""
    nxt = db.session.scalar(select(Meeting).where(Meeting.status != MeetingStatus.CLOSED, Meeting.id != meeting.id,
                                                  Meeting.series_id == meeting.series_id,
                                                  Meeting.starts_at > meeting.starts_at)
                            .order_by(Meeting.starts_at).limit(1))
    if nxt is None:
        start, place = next_slot(meeting)
        nxt = Meeting(series_id=meeting.series_id, starts_at=to_utc(start), place=place,
                      created_by_id=meeting.created_by_id)
        db.session.add(nxt)
        db.session.flush()
        notices.announce(nxt)  # a meeting created for the carried-over items: liaisons get the notice
    return nxt


def close_meeting(viewer: Viewer) -> None:
    """Lock the minutes, move undiscussed items on, keep the follow-ups as reviewed, tell every liaison (once
    `change_status` has claimed the close)."""
    meeting = viewer.meeting
    open_items = [i for i in queries.agenda(meeting) if i.status == ItemStatus.OPEN]
    for item in open_items:
        if item.actions:  # handed out work, so it was discussed (older items may not say so yet)
            item.status = ItemStatus.DISCUSSED
    leftovers = [i for i in open_items if not i.actions]
    if leftovers:
        nxt = following_meeting(meeting)
        last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == nxt.id)) or 0
        revision = live.bump(nxt.id, layout=True)
        for offset, item in enumerate(leftovers, start=1):
            db.session.add(AgendaItem(
                meeting_id=nxt.id, position=last + offset, kind=item.kind, title=item.title, details=item.details,
                department_id=item.department_id, addressed_to_id=item.addressed_to_id, urgency=item.urgency,
                minutes_budget=item.minutes_budget, carried_from_id=item.id, created_by_id=item.created_by_id,
                updated_by_id=viewer.user.id, revision=revision, added_revision=revision))
            item.status = ItemStatus.CARRIED
    _freeze_minutes(meeting)
    meeting.status, meeting.closed_at, meeting.closed_by_id = MeetingStatus.CLOSED, utcnow(), viewer.user.id
    live.bump(meeting.id, layout=True, followup=True)
    notify(series.members(meeting.series), _closed_message(meeting),
           link=path_for("meetings.minutes", meeting_id=meeting.id), kind=Kind.MINUTES, commit=False)
    db.session.commit()


def _closed_message(meeting: Meeting):
    day = to_local(meeting.starts_at).strftime("%Y-%m-%d")
    if meeting.series.is_group:
        return _l("The meeting of %(series)s on %(day)s is closed; the minutes are ready.",
                  series=meeting.series.both_names, day=day)
    return _l("The liaison meeting of %(day)s is closed; the minutes are ready.", day=day)


def _freeze_minutes(meeting: Meeting) -> None:
    """Keep what the minutes show as it stands now: follow-ups as reviewed, this meeting's action items'
    states, and attendance with every department's liaison. Later changes then leave the minutes alone."""
    for action in queries.followups(meeting):
        db.session.add(FollowupReview(meeting_id=meeting.id, action_id=action.id, state=action.state))
    db.session.execute(update(ActionItem).where(ActionItem.meeting_id == meeting.id)
                       .values(closed_state=ActionItem.state).execution_options(synchronize_session=False))
    freeze_attendance(meeting)


def add_amendment(viewer: Viewer, text: str) -> Amendment:
    """Record a correction under the locked minutes of a closed meeting, with who made it."""
    if viewer.meeting.is_open:
        raise MeetingError(_l("Amendments are for closed meetings; while it is open, edit the items directly."))
    amendment = Amendment(meeting_id=viewer.meeting.id, text=text.strip(), created_by_id=viewer.user.id)
    db.session.add(amendment)
    db.session.commit()
    return amendment

