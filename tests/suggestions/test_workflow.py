"""The state machine, as a table: allowed changes, who may make them, what an answer must carry."""
from datetime import date

import pytest

from app.auth.roles import Role
from app.suggestions import workflow
from app.suggestions.workflow import Status, TransitionError


class FakeUser:
    def __init__(self, *roles):
        self.roles = {Role.EMPLOYEE, *roles}

    def has_any_role(self, *roles):
        return bool(self.roles & set(roles))


OFFICE = FakeUser(Role.OFFICE)
EMPLOYEE = FakeUser()


@pytest.mark.parametrize("source, target", [
    (Status.NEW, Status.IN_PROGRESS), (Status.NEW, Status.RESOLVED), (Status.IN_PROGRESS, Status.DECLINED),
    (Status.DEFERRED, Status.IN_PROGRESS), (Status.RESOLVED, Status.IN_PROGRESS),
])
def test_office_may_make_allowed_changes(source, target):
    assert workflow.check(source, target, OFFICE, body="好的") is not None
    assert target in workflow.targets_for(source, OFFICE)


@pytest.mark.parametrize("source, target", [
    (Status.NEW, Status.NEW), (Status.RESOLVED, Status.DECLINED), (Status.MERGED, Status.IN_PROGRESS),
    (Status.DECLINED, Status.RESOLVED), (Status.NEW, Status.MERGED),
])
def test_changes_outside_the_table_are_refused(source, target):
    with pytest.raises(TransitionError):
        workflow.check(source, target, OFFICE, body="x", plan="p", target_date=date(2030, 1, 1))


def test_only_office_may_change_status():
    assert workflow.targets_for(Status.NEW, EMPLOYEE) == []
    with pytest.raises(TransitionError, match="may not"):
        workflow.check(Status.NEW, Status.RESOLVED, EMPLOYEE, body="done")


def test_declined_needs_a_reason():
    with pytest.raises(TransitionError) as caught:
        workflow.check(Status.NEW, Status.DECLINED, OFFICE, body="  ")
    assert caught.value.field == "body"
    assert "reason" in str(caught.value.message)


def test_deferred_needs_reason_plan_and_target_date():
    with pytest.raises(TransitionError) as caught:
        workflow.check(Status.NEW, Status.DEFERRED, OFFICE, body="预算不足", plan="", target_date=date(2030, 1, 1))
    assert caught.value.field == "plan"
    with pytest.raises(TransitionError) as caught:
        workflow.check(Status.NEW, Status.DEFERRED, OFFICE, body="预算不足", plan="下季度", target_date=None)
    assert caught.value.field == "target_date"
    assert workflow.check(Status.NEW, Status.DEFERRED, OFFICE, body="预算不足", plan="下季度",
                          target_date=date(2030, 1, 1)).target is Status.DEFERRED


def test_rating_is_possible_only_after_a_final_word():
    assert [s for s in Status if s.can_be_rated] == [Status.RESOLVED, Status.DEFERRED, Status.DECLINED]


def test_every_status_has_a_label_and_every_transition_names_a_role():
    assert all(str(s.label) for s in Status)
    assert all(t.roles for t in workflow.TRANSITIONS)
