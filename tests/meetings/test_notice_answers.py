"""The liaison meeting uses the rooms' notices: liaisons answer the notice (attend, decline, substitute), the
proposed attendance starts from the answers, and moving the meeting tells every liaison with the same
calendar UID and a higher SEQUENCE, the reminder re-armed."""
import re

from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.meetings import attendance, notices
from app.meetings.models import MeetingAnswer
from app.notifications.models import Delivery, Notification
from tests.conftest import PASSWORD


def _sign_in(client, user) -> None:
    client.post("/logout")
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303


def test_liaisons_answer_and_the_proposed_attendance_starts_from_the_answers(client, meeting, prod_liaison,
                                                                              hr_liaison, make_user, hr):
    deputy = make_user(name="HR Deputy", department=hr)
    _sign_in(client, prod_liaison)
    assert client.post(f"/meetings/{meeting.id}/answer", data={"answer": "attend"}).status_code == 303
    _sign_in(client, hr_liaison)
    refused = client.post(f"/meetings/{meeting.id}/answer", data={"answer": "substitute"})
    assert refused.status_code == 422 and "Choose the colleague" in refused.get_data(as_text=True)
    assert client.post(f"/meetings/{meeting.id}/answer",
                       data={"answer": "substitute", "substitute_id": str(deputy.id)}).status_code == 303
    proposed = {a.department.code: (a.status, a.substitute) for a in attendance.attendees(meeting)}
    assert proposed["PROD"] == ("present", "") and proposed["HR"] == ("substitute", "HR Deputy")
    # Answering again replaces the answer.
    assert client.post(f"/meetings/{meeting.id}/answer", data={"answer": "decline"}).status_code == 303
    assert db.session.scalar(select(MeetingAnswer.answer).where(MeetingAnswer.user_id == hr_liaison.id)) == "decline"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Answer the notice" in page
    assert re.search(r'<input[^>]*(checked[^>]*value="decline"|value="decline"[^>]*checked)', page)

def test_the_office_moves_the_meeting_and_every_liaison_gets_the_same_uid_with_a_higher_sequence(
        app, client, login_as, meeting, prod_liaison):
    prod_liaison.email = "prod@example.com"
    db.session.commit()
    app.config.update(MAIL_URL="smtp://127.0.0.1:1", MAIL_FROM="hub@example.com")
    meeting.reminded_at = meeting.starts_at
    db.session.commit()
    first = notices.calendar_file(meeting)
    login_as(Role.OFFICE)
    assert "Move the meeting and tell every liaison" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/reschedule",
                           data={"day": "2030-03-08", "time": "14:30", "place": "302 小会议室"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (meeting.place, meeting.sequence, meeting.reminded_at) == ("302 小会议室", 1, None)
    note = db.session.scalar(select(Notification).where(Notification.user_id == prod_liaison.id))
    assert "has moved to 2030-03-08 14:30, 302 小会议室" in note.message
    sent = db.session.scalar(select(Delivery).where(Delivery.notification_id == note.id)).attachment
    uid = next(line for line in first.splitlines() if line.startswith("UID:"))
    assert uid in sent and "SEQUENCE:1" in sent and "SEQUENCE:0" in first
    bad = client.post(f"/meetings/{meeting.id}/reschedule", data={"day": "", "time": "14:30", "place": "留着"})
    assert bad.status_code == 422 and 'value="留着"' in bad.get_data(as_text=True)
