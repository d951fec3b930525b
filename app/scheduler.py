"""Scheduled work that runs by itself, exactly once, on one machine or several.

Every periodic job (`register_periodic`) runs under a lease: a row per job, claimed with a conditional
UPDATE, so two runners (a slow run and the next one, or a scheduler on each app machine) never run the
same job at the same moment, on SQLite or PostgreSQL. Jobs themselves claim their rows (mark and
notify in one transaction), so a run that dies halfway leaves nothing half-sent and the next run
finishes the work.

`flask scheduler` runs the jobs every SCHEDULER_INTERVAL_SECONDS with APScheduler; `make run` starts it
next to gunicorn. `flask tick` runs them once, by hand or from cron.
"""
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

log = logging.getLogger(__name__)


class JobLease(db.Model):
    """Who runs a periodic job now (until `locked_until`), and how its last run ended."""
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    locked_until: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_result: Mapped[str] = mapped_column(String(200), default="")


def _claim(name: str, lease: timedelta) -> bool:
    """Take the job's lease unless another runner holds it; one conditional UPDATE decides."""
    now = utcnow()
    if db.session.get(JobLease, name) is None:
        try:
            with db.session.begin_nested():
                db.session.add(JobLease(name=name))
        except IntegrityError:
            pass  # another runner created the row at the same moment
    claimed = db.session.execute(
        update(JobLease).where(JobLease.name == name,
                               or_(JobLease.locked_until.is_(None), JobLease.locked_until < now))
        .values(locked_until=now + lease, last_started_at=now)).rowcount
    db.session.commit()
    return claimed == 1


def _release(name: str, result: str) -> None:
    db.session.execute(update(JobLease).where(JobLease.name == name)
                       .values(locked_until=None, last_finished_at=utcnow(), last_result=result[:200]))
    db.session.commit()


def run_job(name: str, job) -> str:
    """Run one job under its lease; the summary says what it did, or that another runner has it."""
    lease = timedelta(seconds=current_app.config["SCHEDULER_LEASE_SECONDS"])
    if not _claim(name, lease):
        return "running elsewhere, skipped"
    try:
        result = str(job())
    except Exception as exc:
        db.session.rollback()
        log.exception("periodic job %s failed", name)
        _release(name, f"failed: {exc!r}")
        raise
    _release(name, result)
    return result


def runs_last(job):
    """Mark a periodic job to run after the others of each run (message delivery: what the other
    jobs queue, such as an escalation, then leaves in the same run instead of a run later)."""
    job.officehub_runs_last = True
    return job


def run_all() -> list[tuple[str, str]]:
    """Every registered job once, each under its lease; one failing job does not stop the others."""
    results = []
    jobs = current_app.extensions.get("officehub_periodic", [])
    for name, job in sorted(jobs, key=lambda entry: getattr(entry[1], "officehub_runs_last", False)):
        try:
            results.append((name, run_job(name, job)))
        except Exception as exc:  # noqa: BLE001  logged in run_job; the next run tries again
            results.append((name, f"failed: {exc!r}"))
    return results


def serve(app) -> None:
    """Run every job every SCHEDULER_INTERVAL_SECONDS until stopped (the `flask scheduler` process)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    def tick():
        with app.app_context():
            for name, result in run_all():
                log.info("%s: %s", name, result)
            db.session.remove()

    scheduler = BlockingScheduler(timezone="UTC")
    # coalesce + one instance: a run that overruns its interval is not stacked behind itself.
    scheduler.add_job(tick, "interval", seconds=app.config["SCHEDULER_INTERVAL_SECONDS"], coalesce=True,
                      max_instances=1, next_run_time=datetime.now().astimezone())
    scheduler.start()
