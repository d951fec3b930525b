"""Fixtures for assigned tasks: a leader, an owner in a department, a working-day deadline."""
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.calendar.services import next_working_day
from app.tasks import services
from app.timeutil import today


@pytest.fixture
def quality(make_department):
    return make_department("QA", "质量部", "Quality")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, name="Leader Zhao")


@pytest.fixture
def owner(make_user, quality):
    return make_user(department=quality, name="Owner Qian")


@pytest.fixture
def deadline(app):
    return next_working_day(today() + timedelta(days=7))


@pytest.fixture
def assign(leader, owner, deadline):
    """Assign a task from the leader to the owner; returns its id."""
    def make(title="客户检测报告模板", *, by=None, to=None, token="", **fields):
        values = {"details": "", "deadline": deadline, "acceptance": "模板经销售部确认", "source": "leadership"}
        values.update(fields)
        return services.assign_task(by or leader, title=title, owner_id=(to or owner).id, token=token, **values)
    return make
