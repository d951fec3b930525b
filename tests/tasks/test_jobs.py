"""Overdue tasks remind owner and assigner once per overdue step, and each assigner gets one weekly summary,
even when two runs overlap (called here without the scheduler's lease), on SQLite and PostgreSQL."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings import jobs as meeting_jobs
from app.meetings.models import ActionItem
from app.notifications.models import Notification
from app.tasks import jobs
from app.timeutil import today


@pytest.fixture
def working_today(app):
    app.config["CALENDAR_WORKING_DAYS"] = [today().isoformat()]


@pytest.fixture
def late(assign):
    """Two tasks three days past their deadline."""
    tasks = [db.session.get(ActionItem, assign(f"任务 {n}")) for n in (1, 2)]
    for task in tasks:
        task.deadline = today() - timedelta(days=3)
    db.session.commit()
    return tasks


def _messages(user, start: str) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(
        Notification.user_id == user.id, Notification.message.like(f"{start}%")).order_by(Notification.id)))


def _overlapping(app, job, claim_name: str, monkeypatch) -> list[str]:
    """`job` in two threads; both have read what is due before either claims anything."""
    have_read, waited, real = threading.Barrier(2, timeout=20), threading.local(), getattr(jobs, claim_name)

    def read_then_wait(*args, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            have_read.wait()
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, claim_name, read_then_wait)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                results.append(job())
            except Exception as exc:  # noqa: BLE001  reported by the assertion below
                errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    assert not errors, errors
    db.session.expire_all()
    return sorted(results)


def test_owner_and_assigner_are_reminded_once_per_overdue_step(app, working_today, late, owner, leader):
    assert jobs.remind_overdue() == "2 overdue task reminder(s) sent"
    assert jobs.remind_overdue() == "0 overdue task reminder(s) sent"
    deadline = late[0].deadline.isoformat()
    assert _messages(owner, "Task overdue") == [f"Task overdue since {deadline}: 任务 1",
                                                f"Task overdue since {deadline}: 任务 2"]
    assert len(_messages(leader, "Task overdue")) == 2
    # A week later it is still not done: the next step, reminded once more.
    first = db.session.get(ActionItem, late[0].id)
    first.deadline = today() - timedelta(days=3 + jobs.OVERDUE_STEP_DAYS)
    db.session.commit()
    assert jobs.remind_overdue() == "1 overdue task reminder(s) sent"
    assert jobs.remind_overdue() == "0 overdue task reminder(s) sent"
    assert len(_messages(leader, "Task overdue")) == 3


def test_two_overlapping_runs_remind_each_step_once(app, working_today, late, owner, monkeypatch):
    results = _overlapping(app, jobs.remind_overdue, "_claim", monkeypatch)
    # Each run commits task by task, so the two may share the work; together they send each reminder once.
    assert sum(int(result.split()[0]) for result in results) == 2
    assert sorted(_messages(owner, "Task overdue")) == [f"Task overdue since {late[0].deadline.isoformat()}: 任务 {n}"
                                                        for n in (1, 2)]


def test_reminders_wait_for_a_working_day_and_skip_tasks_done(app, late, owner):
    app.config["CALENDAR_CLOSED_DAYS"] = [today().isoformat()]
    # A run of its own, as the scheduler's is: the office's days are read once per run, and the fixtures'
    # deadlines have read them already in the test's context on some days of the week.
    with app.app_context():
        assert jobs.remind_overdue() == "not a working day: task reminders wait for the next one"
    app.config["CALENDAR_CLOSED_DAYS"] = []
    app.config["CALENDAR_WORKING_DAYS"] = [today().isoformat()]
    db.session.get(ActionItem, late[0].id).state = "done"
    db.session.commit()
    with app.app_context():  # a fresh run, as the scheduler's next day would be
        assert jobs.remind_overdue() == "1 overdue task reminder(s) sent"
    assert _messages(owner, "Task overdue") == [f"Task overdue since {late[1].deadline.isoformat()}: 任务 2"]


def test_each_assigner_gets_one_weekly_summary_even_from_two_runs(app, working_today, late, leader, monkeypatch):
    results = _overlapping(app, jobs.weekly_summary, "_claim_week", monkeypatch)
    assert results == ["0 weekly task summaries sent", "1 weekly task summary sent"]
    assert _messages(leader, "Your tasks this week") == [
        "Your tasks this week: 2 overdue, 0 waiting for your acceptance, 0 on track."]
    assert jobs.weekly_summary() == "0 weekly task summaries sent"


def test_overdue_steps_start_the_day_after_the_deadline(app):
    day = today()
    assert [jobs.overdue_step(day - timedelta(days=n), day) for n in (0, 1, 7, 8, 15)] == [0, 1, 1, 2, 3]


def test_the_meetings_reminder_leaves_tasks_to_the_tasks_job(app, working_today, late, owner):
    """One table, two reminders that must not both fire: the meeting's job skips tasks from no meeting."""
    assert meeting_jobs.remind_overdue() == "0 overdue action item(s) reminded"
    assert _messages(owner, "Action item overdue") == []
