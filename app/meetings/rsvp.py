"""The liaison meeting uses the rooms' notices and answers: liaisons answer the notice (参会回执: attend,
decline, send a substitute) and the proposed attendance starts from the answers (attendance.py); the office
moves a meeting (date, time, place) and every liaison is told with the calendar entry, same UID, higher
SEQUENCE, the reminder re-armed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.services import colleagues_of
from app.extensions import db
from app.timeutil import to_utc, utcnow

from . import notices, series
from .forms import AnswerForm
from .models import Meeting, MeetingAnswer
from .services import MeetingError, bump_open, hold_room, require_open, room_of

ATTEND, DECLINE, SUBSTITUTE = "attend", "decline", "substitute"  # the values app/rooms/workflow.py Answer uses
ANSWERS = (ATTEND, DECLINE, SUBSTITUTE)


def reschedule(meeting: Meeting, starts_local, place: str, user=None, room_id: int | None = None) -> None:
    """The office moves a meeting (date, time, place or room): its booking moves with it through the rooms'
    clash check (SlotTaken, nothing changed, when someone holds the room then); every member gets the calendar
    entry again with the same UID and a higher SEQUENCE, and the reminder is re-armed for the new time."""
    bump_open(meeting.id, layout=True)
    meeting.starts_at, meeting.place = to_utc(starts_local), place.strip()
    # None keeps the room it holds (moved in time with it); 0 lets it go ("elsewhere").
    hold_room(meeting, user, room_of(meeting) if room_id is None else room_id)
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.reminded_at = None
    notices.announce(meeting, moved=True)
    db.session.commit()


def answer(user, meeting: Meeting, reply: str, substitute=None) -> MeetingAnswer:
    """A liaison answers the notice; answering again replaces the answer."""
    require_open(meeting)
    if not series.is_member(user, meeting.series):
        raise MeetingError(_l("Only the group's members answer its notice.") if meeting.series.is_group
                           else _l("Only department liaisons answer the meeting notice."))
    if reply not in ANSWERS:
        raise MeetingError(_l("Choose an answer."))
    if reply == SUBSTITUTE and (substitute is None or not substitute.active or substitute.id == user.id
                                or substitute.department_id != user.department_id):
        raise MeetingError(_l("Choose the colleague who goes instead of you."))
    row = db.session.scalar(select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id,
                                                        MeetingAnswer.user_id == user.id))
    row = row or MeetingAnswer(meeting_id=meeting.id, user_id=user.id)
    row.answer, row.answered_at = reply, utcnow()
    row.substitute_id = substitute.id if reply == SUBSTITUTE else None
    db.session.add(row)
    db.session.commit()
    return row


def answer_form(meeting: Meeting, user, formdata=None) -> AnswerForm:
    """The answer form, showing the person's answer so far. A substitute is a colleague of their own
    department (the department sends someone): a choice of a few dozen, not the whole company."""
    mine = db.session.scalar(select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id,
                                                         MeetingAnswer.user_id == user.id))
    return AnswerForm(formdata=formdata, people=colleagues_of(user),
                      answer=mine.answer if mine else None, substitute_id=(mine.substitute_id if mine else 0) or 0)


def answers(meeting: Meeting) -> dict[int, MeetingAnswer]:
    """The liaisons' answers by their department."""
    rows = db.session.scalars(select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id))
    return {row.user.department_id: row for row in rows if row.user.department_id is not None}


def answers_by_person(meeting: Meeting) -> dict[int, MeetingAnswer]:
    """A group meeting's answers by the member who gave them."""
    rows = db.session.scalars(select(MeetingAnswer).where(MeetingAnswer.meeting_id == meeting.id))
    return {row.user_id: row for row in rows}
