"""The visit jobs run exactly once per event: two overlapping runs (a slow run and the next one, or a scheduler
on each machine, called here without the lease) send each reminder once and purge each visit once; a run that
dies before its commit sends nothing, and the next run sends it, once. On SQLite and PostgreSQL alike."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import scheduler
from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.timeutil import utcnow
from app.visits import jobs, services, steps
from app.visits.models import Visit, VisitEvent


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message)
                                .where(Notification.user_id == user.id).order_by(Notification.id)))


def _overlapping(app, monkeypatch, job, sync: str = "_claim", runs: int = 2) -> list[str]:
    """`job` in `runs` threads started together, each in its own app context. Every run has read what it will
    work on before any run claims a row (they wait for each other at `jobs.<sync>`), so each claim is contested."""
    start, have_read = threading.Barrier(runs), threading.Barrier(runs, timeout=20)
    waited = threading.local()
    real = getattr(jobs, sync)

    def read_then_wait(*args, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            have_read.wait()
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, sync, read_then_wait)
    results, errors = [], []

    def run():
        with app.app_context():
            start.wait()
            try:
                results.append(job())
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


def _late_steps(make_visit, count=2):
    """Visits whose "greet on arrival" step is a minute late and not reported yet."""
    visits = [make_visit(arrival=(utcnow() + timedelta(minutes=30)).replace(microsecond=0)) for _ in range(count)]
    for visit in visits:
        visit.steps[6].due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return visits


def _still_on_site(make_user, make_visit, count=2):
    reception = make_user(Role.RECEPTION)
    visits = [make_visit(arrival=utcnow().replace(microsecond=0), hours=1) for _ in range(count)]
    for visit in visits:
        services.record_arrival(reception, visit)
        visit.expected_departure = utcnow() - timedelta(minutes=31)
    db.session.commit()
    return reception, visits


def test_two_overlapping_runs_report_each_overdue_step_once(app, make_visit, monkeypatch):
    visits = _late_steps(make_visit)
    assert _overlapping(app, monkeypatch, jobs.remind_overdue_steps) == [
        "0 overdue step(s) reported", "2 overdue step(s) reported"]
    for visit in visits:
        expected = [f"Overdue for the visit of {visit.organisation}: {visit.steps[6].title}"]
        assert _notes(visit.host) == expected and _notes(visit.owner) == expected


def test_two_overlapping_runs_recall_visitors_still_on_site_once(app, make_user, make_visit, monkeypatch):
    reception, visits = _still_on_site(make_user, make_visit)
    assert _overlapping(app, monkeypatch, jobs.remind_checkouts) == [
        "0 check-out reminder(s) sent", "2 check-out reminder(s) sent"]
    assert len([n for n in _notes(reception) if "should have left" in n]) == 2
    for visit in visits:
        assert len([n for n in _notes(visit.owner) if "should have left" in n]) == 1


def test_a_step_ticked_while_the_run_reads_is_not_reported(app, make_visit, monkeypatch):
    [visit] = _late_steps(make_visit, count=1)
    real = jobs._claim

    def tick_meanwhile(*args, **kwargs):
        """Between the job's read and its claim, reception ticks the step on the board."""
        def tick():
            with app.app_context():
                step = db.session.get(type(visit.steps[6]), visit.steps[6].id)
                steps.tick(step, step.visit.owner)
        thread = threading.Thread(target=tick)
        thread.start()
        thread.join()
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, "_claim", tick_meanwhile)
    assert jobs.remind_overdue_steps() == "0 overdue step(s) reported"
    assert _notes(visit.host) == []


def _fail_at_second_notify(monkeypatch):
    """The run dies halfway: after it claimed a first row and queued its notifications."""
    real, calls = jobs.notify, []

    def notify(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, "notify", notify)


def test_a_reminder_run_that_dies_sends_nothing_and_the_next_run_sends_once(app, make_user, make_visit,
                                                                            monkeypatch):
    steps_late = _late_steps(make_visit)
    reception, on_site = _still_on_site(make_user, make_visit)
    _fail_at_second_notify(monkeypatch)
    with pytest.raises(RuntimeError):
        scheduler.run_job("visits", jobs.run_reminders)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.message.like("Overdue%"))) == 0
    assert all(v.steps[6].overdue_notified_at is None for v in steps_late)
    monkeypatch.undo()
    assert scheduler.run_job("visits", jobs.run_reminders) == (
        "2 overdue step(s) reported; 2 check-out reminder(s) sent")
    assert scheduler.run_job("visits", jobs.run_reminders) == (
        "0 overdue step(s) reported; 0 check-out reminder(s) sent")
    for visit in steps_late:
        assert len(_notes(visit.host)) == 1
    assert len([n for n in _notes(reception) if "should have left" in n]) == len(on_site)


def _old(make_visit, count=3):
    visits = [make_visit() for _ in range(count)]
    for visit in visits:
        visit.expected_arrival -= timedelta(days=200)
        visit.expected_departure -= timedelta(days=200)
        visit.reception_note = "张总糖尿病"
    db.session.commit()
    return visits


def test_two_purges_at_the_same_moment_purge_each_visit_once(app, make_visit, monkeypatch):
    old = _old(make_visit)
    results = _overlapping(app, monkeypatch, jobs.purge_expired, sync="_purge")
    assert results == ["personal data removed from 0 visit(s) older than 180 days",
                       "personal data removed from 3 visit(s) older than 180 days"]
    for visit in old:
        stored = db.session.get(Visit, visit.id)
        assert stored.visitor_names == "" and stored.reception_note == "" and stored.purged_at is not None
    purges = db.session.scalars(select(VisitEvent.visit_id).where(VisitEvent.action == "purge"))
    assert sorted(purges) == sorted(v.id for v in old)  # one history entry per visit, not two


def test_a_purge_that_dies_leaves_the_data_for_the_next_run(app, make_visit, monkeypatch):
    old = _old(make_visit, count=2)
    monkeypatch.setattr(jobs, "PURGE_CHUNK", 1)  # one transaction per visit

    def add_all_then_die(rows):
        raise RuntimeError("worker killed")
    monkeypatch.setattr(db.session, "add_all", add_all_then_die)
    with pytest.raises(RuntimeError):
        scheduler.run_job("visits purge", jobs.purge_expired)
    monkeypatch.undo()
    db.session.expire_all()
    assert [db.session.get(Visit, v.id).reception_note for v in old] == ["张总糖尿病", "张总糖尿病"]
    assert scheduler.run_job("visits purge", jobs.purge_expired).startswith("personal data removed from 2 ")
    assert scheduler.run_job("visits purge", jobs.purge_expired).startswith("personal data removed from 0 ")
