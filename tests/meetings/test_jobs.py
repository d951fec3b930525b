"""The overdue action-item reminder runs exactly once per action item: two overlapping runs (called here
without the scheduler's lease) remind each once, a run that dies before its commit sends nothing and the next
sends it once, on SQLite and PostgreSQL. It goes out on working days of the office's calendar."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import scheduler
from app.auth.roles import Role
from app.extensions import db
from app.meetings import jobs
from app.meetings.models import ActionItem
from app.notifications.models import Notification
from app.timeutil import today

JOB = "meetings: overdue action items"


@pytest.fixture
def working_today(app):
    """Today is a working day, whatever day the tests run."""
    app.config["CALENDAR_WORKING_DAYS"] = [today().isoformat()]


@pytest.fixture
def late(meeting, office_user, prod_liaison, hr_liaison, make_user, add_item, assign):
    """Two action items past their deadline, owned by two people of HR (whose liaison is told too)."""
    item = add_item(meeting, prod_liaison)
    owners = [make_user(department=hr_liaison.department, name=f"HR Clerk {n}") for n in (1, 2)]
    actions = [assign(office_user, item, owner, task=f"任务 {n}") for n, owner in enumerate(owners, 1)]
    for action in actions:
        action.deadline = today() - timedelta(days=3)
    db.session.commit()
    return actions


def _reminders(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(
        Notification.user_id == user.id, Notification.message.like("Action item overdue%"))
        .order_by(Notification.id)))


def _overlapping(app, monkeypatch, runs: int = 2) -> list[str]:
    """The job in `runs` threads started together, each in its own app context; every run has read the overdue
    items before any run claims one (they wait for each other at the first claim)."""
    start, have_read = threading.Barrier(runs), threading.Barrier(runs, timeout=20)
    waited, real = threading.local(), jobs._claim

    def read_then_wait(*args, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            have_read.wait()
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, "_claim", read_then_wait)
    results, errors = [], []

    def run():
        with app.app_context():
            start.wait()
            try:
                results.append(jobs.remind_overdue())
            except Exception as exc:  # noqa: BLE001  reported by the assertion below
                errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    assert not errors, errors
    db.session.expire_all()
    return sorted(results)


def test_two_overlapping_runs_remind_each_action_item_once(app, working_today, late, hr_liaison, monkeypatch):
    assert _overlapping(app, monkeypatch) == ["0 overdue action item(s) reminded", "2 overdue action item(s) reminded"]
    for action in late:
        assert _reminders(action.owner) == [f"Action item overdue since {action.deadline.isoformat()}: {action.task}"]
    assert len(_reminders(hr_liaison)) == 2


def test_a_run_that_dies_sends_nothing_and_the_next_run_sends_once(app, working_today, late, hr_liaison,
                                                                   monkeypatch):
    real, calls = jobs.notify, []

    def notify(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, "notify", notify)
    with pytest.raises(RuntimeError):
        scheduler.run_job(JOB, jobs.remind_overdue)
    monkeypatch.undo()
    db.session.expire_all()
    assert _reminders(hr_liaison) == [] and all(a.overdue_notified_at is None for a in late)
    assert scheduler.run_job(JOB, jobs.remind_overdue) == "2 overdue action item(s) reminded"
    assert scheduler.run_job(JOB, jobs.remind_overdue) == "0 overdue action item(s) reminded"
    assert [len(_reminders(a.owner)) for a in late] == [1, 1] and len(_reminders(hr_liaison)) == 2


def test_an_item_done_while_the_run_reads_is_not_reminded(app, working_today, late, monkeypatch):
    first, _second = late
    real = jobs._claim

    def reported_done_meanwhile(action_id, *args):
        if action_id == first.id:
            db.session.execute(ActionItem.__table__.update().where(ActionItem.id == first.id).values(state="done"))
        return real(action_id, *args)
    monkeypatch.setattr(jobs, "_claim", reported_done_meanwhile)
    assert jobs.remind_overdue() == "1 overdue action item(s) reminded"
    assert _reminders(first.owner) == []


def test_reminders_wait_for_a_working_day(app, late, hr_liaison):
    """Overdue on a holiday or a closure: the owner hears of it on the first working day, once."""
    app.config["CALENDAR_CLOSED_DAYS"] = [today().isoformat()]
    assert jobs.remind_overdue() == "not a working day: overdue reminders wait for the next one"
    assert _reminders(hr_liaison) == []
    # The next working day (a fresh run, as the scheduler's next day would be).
    app.config["CALENDAR_CLOSED_DAYS"] = []
    app.config["CALENDAR_WORKING_DAYS"] = [today().isoformat()]
    with app.app_context():
        assert jobs.remind_overdue() == "2 overdue action item(s) reminded"
    assert len(_reminders(hr_liaison)) == 2


def test_the_list_shows_overdue_by_the_deadline_the_office_chose(app, client, login_as, late):
    """The deadline is a date someone picked: the day after it, the item is overdue on the list, holiday or not."""
    app.config["CALENDAR_CLOSED_DAYS"] = [(today() - timedelta(days=n)).isoformat() for n in range(3)]
    login_as(Role.OFFICE)
    page = client.get("/actions/?overdue=1").get_data(as_text=True)
    assert "任务 1" in page and "任务 2" in page
