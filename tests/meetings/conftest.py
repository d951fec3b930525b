"""Fixtures for the liaison meeting: departments with liaisons, an office user, a meeting, items."""
from datetime import datetime, timedelta

import pytest

from app.auth.roles import Role
from app.extensions import db
from app.meetings import actions, services
from app.meetings.models import AgendaItem, Meeting
from app.timeutil import to_utc, today, utcnow


@pytest.fixture
def prod(make_department):
    return make_department("PROD", "生产部", "Production")


@pytest.fixture
def hr(make_department):
    return make_department("HR", "人力资源部", "Human Resources")


@pytest.fixture
def office_user(make_user, make_department):
    return make_user(Role.OFFICE, department=make_department("OFFICE", "办公室", "Office"), name="Office Wang")


@pytest.fixture
def prod_liaison(make_user, prod):
    return make_user(Role.LIAISON, department=prod, name="Prod Liaison")


@pytest.fixture
def hr_liaison(make_user, hr):
    return make_user(Role.LIAISON, department=hr, name="HR Liaison")


@pytest.fixture
def make_meeting(app, office_user):
    def make(days: int = 7, status: str = "collecting", place: str = "Room 301") -> Meeting:
        start = datetime.combine((utcnow() + timedelta(days=days)).date(), datetime.min.time()).replace(hour=9)
        meeting = Meeting(starts_at=to_utc(start), place=place, status=status, created_by_id=office_user.id)
        db.session.add(meeting)
        db.session.commit()
        return meeting
    return make


@pytest.fixture
def meeting(make_meeting):
    return make_meeting()


@pytest.fixture
def thursday_meeting(app, office_user):
    """A meeting on Thursday 7 March 2030 at 09:00: it and the Thursday a week later are working days, whatever
    day the tests run (the next slot moves off holidays and weekends)."""
    meeting = Meeting(starts_at=to_utc(datetime(2030, 3, 7, 9, 0)), place="Room 301", status="collecting",
                      created_by_id=office_user.id)
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def add_item(app):
    """Add an agenda item through the service, as `user` would."""
    def add(meeting, user, title="需要20名临时工", department_id=None, **extra) -> AgendaItem:
        data = {"kind": "need", "title": title, "details": "", "addressed_to_id": None, "urgency": "normal",
                "minutes_budget": None, **extra}
        if department_id is not None:
            data["department_id"] = department_id
        return services.add_item(services.Viewer(user, meeting), data)
    return add


@pytest.fixture
def assign(app):
    """Hand out an action item from `item` to `owner` (as `office`), deadline a week ahead."""
    def make(office, item, owner, task="招聘临时工", days=7):
        return actions.add_action(services.Viewer(office, db.session.get(Meeting, item.meeting_id)), item,
                                  task=task, owner_id=owner.id, deadline=today() + timedelta(days=days),
                                  acceptance="20人到岗")
    return make

