"""Liaisons hear of a meeting when it is created or moved, and again shortly before it; the e-mail
carries an .ics file so the meeting lands in their calendar (issue 11) — the one builder rooms use too
(app/notifications/ics.py): the same UID throughout, a higher SEQUENCE after each move. Liaisons answer
the notice (attend, decline, send a substitute) and the proposed attendance starts from the answers."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.extensions import db
from app.links import path_for
from app.notifications import Kind, ics, notify
from app.notifications.outbox import absolute
from app.timeutil import to_local, utcnow

from . import series
from .models import Meeting
from .workflow import MeetingStatus

LENGTH = timedelta(hours=1)  # the calendar entry's length; the meeting itself has no set end



def calendar_file(meeting: Meeting) -> str:
    link = path_for("meetings.detail", meeting_id=meeting.id)
    return ics.event(uid=f"meeting-{meeting.id}@officehub", starts=meeting.starts_at, ends=meeting.starts_at + LENGTH,
                     summary=meeting.series.both_names, location=meeting.place, url=absolute(link),
                     sequence=meeting.sequence or 0, now=utcnow())


def _when(meeting: Meeting) -> str:
    return to_local(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def _message(meeting: Meeting, moved: bool):
    when, place = _when(meeting), meeting.place
    if meeting.series.is_group:
        name = meeting.series.both_names
        if moved:
            return _l("The meeting of %(series)s has moved to %(when)s, %(place)s.", series=name, when=when,
                      place=place)
        return _l("%(series)s meets on %(when)s, %(place)s: add your items to the agenda.", series=name, when=when,
                  place=place)
    if moved:
        return _l("The liaison meeting has moved to %(when)s, %(place)s.", when=when, place=place)
    return _l("Liaison meeting on %(when)s, %(place)s: add your items to the agenda.", when=when, place=place)


def announce(meeting: Meeting, moved: bool = False) -> None:
    """Tell every member of the meeting's series (in the caller's transaction): the liaisons, or a group's."""
    notify(series.members(meeting.series), _message(meeting, moved),
           link=path_for("meetings.detail", meeting_id=meeting.id), kind=Kind.MEETING_NOTICE,
           attachment=calendar_file(meeting), commit=False)


def _reminder(meeting: Meeting):
    if meeting.series.is_group:
        return _l("Reminder: %(series)s meets at %(when)s, %(place)s.", series=meeting.series.both_names,
                  when=_when(meeting), place=meeting.place)
    return _l("Reminder: the liaison meeting starts at %(when)s, %(place)s.", when=_when(meeting), place=meeting.place)


def remind_upcoming() -> str:
    """Remind every liaison of a meeting starting within MEETINGS_REMINDER_MINUTES, once per meeting:
    claimed with a conditional UPDATE so two runs at once send one reminder."""
    now = utcnow()
    soon = now + timedelta(minutes=int(current_app.config["MEETINGS_REMINDER_MINUTES"]))
    due = (Meeting.starts_at > now, Meeting.starts_at <= soon, Meeting.reminded_at.is_(None),
           Meeting.status != MeetingStatus.CLOSED)
    sent = 0
    for meeting in list(db.session.scalars(select(Meeting).where(*due).order_by(Meeting.id))):
        claimed = db.session.execute(update(Meeting).where(Meeting.id == meeting.id, *due).values(reminded_at=now)
                                     .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        notify(series.members(meeting.series), _reminder(meeting),
               link=path_for("meetings.detail", meeting_id=meeting.id), kind=Kind.MEETING_REMINDER,
               attachment=calendar_file(meeting), commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} meeting reminder(s)"

