"""Attendance starts from who was there: presence on the live screen while the meeting ran proposes it, and
closing a meeting whose attendance nobody confirmed asks first (issue 13, item 1)."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import Attendance, Meeting, Presence
from app.timeutil import utcnow
from tests.conftest import PASSWORD


def _sign_in(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303
    return client


def _running_meeting(make_meeting, office_user, app):
    """A meeting the office starts now (scheduled for later today, as happens when it begins early)."""
    meeting = make_meeting(days=0)
    office = _sign_in(app, office_user)
    office.post(f"/meetings/{meeting.id}/status", data={"move": "start"})
    return meeting, office


def _statuses(meeting_id):
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id))
    return {row.department.code: (row.status, row.substitute) for row in rows}


def test_a_liaison_on_the_live_screen_is_recorded_present_not_absent(app, make_meeting, office_user, prod_liaison,
                                                                   hr_liaison, prod, hr):
    meeting, office = _running_meeting(make_meeting, office_user, app)
    liaison = _sign_in(app, prod_liaison)
    liaison.get(f"/meetings/{meeting.id}")
    liaison.post(f"/meetings/{meeting.id}/presence")
    # Nobody confirmed attendance: the close asks first, and shows what the minutes would record.
    answer = office.post(f"/meetings/{meeting.id}/status", data={"move": "close"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/meetings/{meeting.id}/close")
    assert db.session.get(Meeting, meeting.id).status == "in_progress"
    page = office.get(f"/meetings/{meeting.id}/close").get_data(as_text=True)
    assert "Nobody has confirmed the attendance yet." in page
    rows = {row.split("</strong>")[0]: row.split("</strong>")[1].split("</li>")[0].strip(": \n")
            for row in page.split('<li class="row-card"><strong>')[1:]}
    assert rows["Production"] == "present" and rows["Human Resources"] == "absent"
    office.post(f"/meetings/{meeting.id}/status", data={"move": "close", "attendance": "accepted"})
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "closed"
    statuses = _statuses(meeting.id)
    assert statuses["PROD"] == ("present", "") and statuses["HR"] == ("absent", "")
    minutes = office.get(f"/meetings/{meeting.id}/minutes.md").get_data(as_text=True)
    assert any(line.startswith("- Production") and line.endswith(": present") for line in minutes.splitlines())


def test_someone_else_of_the_department_on_the_screen_is_proposed_as_substitute(app, make_meeting, office_user,
                                                                                make_user, prod_liaison, hr):
    meeting, office = _running_meeting(make_meeting, office_user, app)
    deputy = make_user(Role.EMPLOYEE, department=hr, name="HR Deputy")
    db.session.add(Presence(meeting_id=meeting.id, user_id=deputy.id, seen_at=utcnow()))
    db.session.commit()
    form = office.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Not confirmed yet" in form and "On the live screen: HR Deputy" in form
    assert 'value="HR Deputy"' in form


def test_an_early_visit_days_before_does_not_count_as_attending(app, make_meeting, office_user, prod_liaison, prod):
    meeting, office = _running_meeting(make_meeting, office_user, app)
    db.session.add(Presence(meeting_id=meeting.id, user_id=prod_liaison.id, seen_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    office.post(f"/meetings/{meeting.id}/status", data={"move": "close", "attendance": "accepted"})
    assert _statuses(meeting.id)["PROD"] == ("absent", "")


def test_confirmed_attendance_closes_without_asking_and_wins_over_presence(app, make_meeting, office_user,
                                                                           prod_liaison, prod, hr):
    meeting, office = _running_meeting(make_meeting, office_user, app)
    db.session.add(Presence(meeting_id=meeting.id, user_id=prod_liaison.id, seen_at=utcnow()))
    db.session.commit()
    office.post(f"/meetings/{meeting.id}/attendance",
                data={f"status-{prod.id}": "absent", f"status-{hr.id}": "substitute", f"substitute-{hr.id}": "赵敏"})
    live = office.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "hx-confirm=\"Close the meeting?" in live  # confirmed: the usual one-step question
    answer = office.post(f"/meetings/{meeting.id}/status", data={"move": "close"})
    assert answer.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert _statuses(meeting.id) == {"PROD": ("absent", ""), "HR": ("substitute", "赵敏"),
                                     "OFFICE": ("absent", "")}
