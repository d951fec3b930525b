"""The overdue-answer reminder runs exactly once per overdue suggestion: two overlapping runs, or a run
that dies and the one after it, tell the office once (on SQLite and PostgreSQL alike)."""
import re
import threading

import pytest
from sqlalchemy import select

from app import scheduler
from app.extensions import db
from app.notifications.models import Notification
from app.suggestions import jobs
from app.suggestions.models import Suggestion

JOB = "suggestions: overdue answers"


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)))


def _counted(user) -> int:
    """How many overdue suggestions the user's reminders counted, all reminders together."""
    return sum(int(re.match(r"(\d+) more suggestions", note).group(1)) for note in _notes(user))


def _overlapping(app, monkeypatch, runs=2) -> list[str]:
    """The job in `runs` threads at once, each in its own app context, called directly (no lease).
    Every run has read the overdue suggestions before any run claims one, so each claim is contested."""
    start, have_read = threading.Barrier(runs), threading.Barrier(runs, timeout=20)
    real = jobs.users_with_role

    def office_then_wait(role):
        found = real(role)
        have_read.wait()
        return found
    monkeypatch.setattr(jobs, "users_with_role", office_then_wait)
    results, errors = [], []

    def run():
        with app.app_context():
            start.wait()
            try:
                results.append(jobs.remind_overdue())
            except Exception as exc:  # noqa: BLE001  reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    db.session.expire_all()
    return sorted(results)


def test_two_overlapping_runs_remind_the_office_once(app, make_suggestion, office_user, monkeypatch):
    late = [make_suggestion(None, title=f"没人回复 {n}", days_ago=10) for n in range(3)]
    versions = {s.id: s.version for s in late}
    assert _overlapping(app, monkeypatch) == ["3 newly overdue", "no newly overdue suggestion"]
    assert _notes(office_user) == ["3 more suggestions have had no answer for 5 working days."]
    for suggestion in late:
        db.session.refresh(suggestion)
        assert suggestion.overdue_reminded and suggestion.version == versions[suggestion.id]
    assert jobs.remind_overdue() == "no newly overdue suggestion"
    assert _counted(office_user) == 3


def test_a_run_that_dies_after_notifying_sends_nothing_and_the_next_run_sends_it_once(app, make_suggestion,
                                                                                   office_user, monkeypatch):
    late = make_suggestion(None, days_ago=10)
    real = jobs.notify

    def notify_then_die(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("worker killed before the commit")
    monkeypatch.setattr(jobs, "notify", notify_then_die)
    with pytest.raises(RuntimeError):
        scheduler.run_job(JOB, jobs.remind_overdue)
    assert _notes(office_user) == []
    assert db.session.get(Suggestion, late.id).overdue_reminded is False
    monkeypatch.undo()
    assert scheduler.run_job(JOB, jobs.remind_overdue) == "1 newly overdue"
    assert scheduler.run_job(JOB, jobs.remind_overdue) == "no newly overdue suggestion"
    assert _notes(office_user) == ["1 more suggestions have had no answer for 5 working days."]


def test_a_suggestion_answered_while_the_job_runs_is_not_counted(app, make_suggestion, office_user, publish,
                                                                 monkeypatch):
    answered, still_late = make_suggestion(None, days_ago=10), make_suggestion(None, days_ago=10)
    real = jobs.users_with_role

    def office_answers_meanwhile(role):
        found = real(role)
        publish(answered, "in_progress", "正在处理")
        return found
    monkeypatch.setattr(jobs, "users_with_role", office_answers_meanwhile)
    assert jobs.remind_overdue() == "1 newly overdue"
    assert _counted(office_user) == 1
    db.session.refresh(answered)
    db.session.refresh(still_late)
    assert not answered.overdue_reminded and still_late.overdue_reminded
