"""Scheduled work runs once even when two runners overlap, and a failed run is finished by the next."""
import threading
import time

import pytest

from app import scheduler
from app.extensions import db
from app.scheduler import JobLease


def _run_together(app, name, job, runners=2):
    results = []
    start = threading.Barrier(runners)

    def run():
        with app.app_context():
            start.wait()
            results.append(scheduler.run_job(name, job))

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_overlapping_runs_run_the_job_once(app):
    calls = []

    def slow_job():
        calls.append(1)
        time.sleep(0.3)
        return "1 reminder sent"

    results = _run_together(app, "demo: slow", slow_job, runners=4)
    assert len(calls) == 1
    assert sorted(results) == ["1 reminder sent"] + ["running elsewhere, skipped"] * 3


def test_a_job_that_fails_frees_its_lease_for_the_next_run(app):
    def broken():
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError):
        scheduler.run_job("demo: flaky", broken)
    lease = db.session.get(JobLease, "demo: flaky")
    assert lease.locked_until is None and "mail server down" in lease.last_result
    assert scheduler.run_job("demo: flaky", lambda: "done") == "done"


def test_a_run_that_died_holding_the_lease_is_taken_over_after_it_expires(app):
    from datetime import timedelta

    from app.timeutil import utcnow
    db.session.add(JobLease(name="demo: died", locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert scheduler.run_job("demo: died", lambda: "finished the rest") == "finished the rest"


def test_one_failing_job_does_not_stop_the_others(app):
    app.extensions["officehub_periodic"] = [("a", lambda: 1 / 0), ("b", lambda: "ok")]
    results = dict(scheduler.run_all())
    assert results["b"] == "ok" and results["a"].startswith("failed")


def test_flask_tick_runs_every_registered_job(app):
    from app.cli import tick_command
    app.extensions["officehub_periodic"] = [("demo: count", lambda: "3 sent")]
    output = app.test_cli_runner().invoke(tick_command).output
    assert "demo: count: 3 sent" in output
