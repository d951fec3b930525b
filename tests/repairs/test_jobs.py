"""What `flask tick` does for repairs (escalation, auto-confirmation) and the roster that routes alerts.

Both jobs run exactly once per request: two overlapping runs, or a run that dies and the one after it,
send each notification once (on SQLite and PostgreSQL alike)."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from app import scheduler
from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.repairs import audience, jobs, roster, services
from app.repairs.models import DutyShift, RepairEvent, RepairRequest
from app.timeutil import today, utcnow


def _notes(user):
    return [n.message for n in db.session.query(Notification)
            .filter_by(user_id=user.id).order_by(Notification.id)]


def _climb_to_office(repair_ids, minutes=31):
    """The further interval since maintenance was alerted has passed."""
    db.session.execute(update(RepairRequest).where(RepairRequest.id.in_(repair_ids))
                       .values(escalated_at=utcnow() - timedelta(minutes=minutes)))
    db.session.commit()


def test_escalation_alerts_all_maintenance_then_the_office_once_each_and_records_both(
        app, make_user, make_repair):
    office, tech = make_user(Role.OFFICE), make_user(Role.MAINTENANCE)
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    make_repair(urgency="emergency")  # still within its 30 minutes
    assert jobs.escalate_overdue() == "1 escalated (1 to maintenance, 0 to the office)"
    assert jobs.escalate_overdue() == "0 escalated (0 to maintenance, 0 to the office)"
    assert _notes(office) == [] and _notes(tech) == [
        f"Escalated: nobody has taken repair request #{late.id} at {late.location.label} in time."]
    _climb_to_office([late.id], minutes=29)  # the office's level waits 30 minutes more
    assert jobs.escalate_overdue().startswith("0 escalated")
    _climb_to_office([late.id])
    assert jobs.escalate_overdue() == "1 escalated (0 to maintenance, 1 to the office)"
    assert jobs.escalate_overdue().startswith("0 escalated")
    assert _notes(office) == [f"Escalated to the office: repair request #{late.id} at {late.location.label} "
                              "is still not taken by maintenance."]
    assert len(_notes(tech)) == 1
    events = db.session.query(RepairEvent).order_by(RepairEvent.id).all()
    assert [(e.kind, e.repair_id, e.actor_id) for e in events] == [
        ("escalated", late.id, None), ("escalated_office", late.id, None)]
    assert db.session.get(RepairRequest, late.id).escalation_level == 2


def test_the_timeline_shows_both_levels(client, login_as, make_user, make_repair):
    late = make_repair(urgency="urgent", created_at=utcnow() - timedelta(hours=3))
    jobs.escalate_overdue()
    _climb_to_office([late.id])
    jobs.escalate_overdue()
    login_as(Role.OFFICE)
    page = client.get(f"/repairs/{late.id}").get_data(True)
    assert "Escalated to all maintenance: no response in time" in page
    assert "Escalated to the office: still not taken" in page


def test_the_office_interval_is_configurable(app, make_user, make_repair):
    office = make_user(Role.OFFICE)
    app.config["REPAIRS_ESCALATE_OFFICE_AFTER"] = "2h"
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=3))
    jobs.escalate_overdue()
    _climb_to_office([late.id], minutes=90)
    assert jobs.escalate_overdue().startswith("0 escalated") and _notes(office) == []
    _climb_to_office([late.id], minutes=121)
    assert jobs.escalate_overdue().startswith("1 escalated") and len(_notes(office)) == 1


def test_a_request_taken_after_the_first_level_does_not_reach_the_office(app, make_user, make_repair):
    office, tech = make_user(Role.OFFICE), make_user(Role.MAINTENANCE)
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    jobs.escalate_overdue()
    services.act(db.session.get(RepairRequest, late.id), tech, "take", version=late.version)
    _climb_to_office([late.id])
    assert jobs.escalate_overdue().startswith("0 escalated")
    assert _notes(office) == []


def test_the_on_duty_person_hears_the_first_level_and_urgent_ones_push(app, make_user, make_repair):
    on_duty = make_user(Role.MAINTENANCE)
    day, shift = roster.shift_at(utcnow())
    db.session.add(DutyShift(day=day, shift=shift, user_id=on_duty.id))
    db.session.commit()
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    jobs.escalate_overdue()
    note = db.session.query(Notification).filter_by(user_id=on_duty.id).one()
    # Kind.REPAIR_URGENT: pushed by default and let through quiet hours (app/notifications/kinds.py, outbox.py)
    assert note.kind == "repair_urgent" and f"#{late.id}" in note.message


def test_a_normal_request_filed_in_working_hours_escalates_without_pushing(app, make_user, make_repair,
                                                                         monkeypatch):
    tech = make_user(Role.MAINTENANCE)
    monkeypatch.setattr(jobs.sla, "is_after_hours", lambda moment: False)
    make_repair(urgency="normal", created_at=utcnow() - timedelta(days=5))
    assert jobs.escalate_overdue().startswith("1 escalated")
    assert db.session.query(Notification).filter_by(user_id=tech.id).one().kind == "repair_update"


def test_auto_confirm_after_three_days_without_an_answer(app, make_repair):
    old = make_repair(status="done", created_at=utcnow() - timedelta(days=4))
    recent = make_repair(status="done")
    assert jobs.auto_confirm() == "1 auto-confirmed"
    assert db.session.get(RepairRequest, old.id).status == "confirmed"
    assert db.session.get(RepairRequest, recent.id).status == "done"
    assert "confirmed automatically" in _notes(old.requester)[0]


def test_auto_confirm_days_are_configurable(app, make_repair):
    app.config["REPAIRS_AUTO_CONFIRM_DAYS"] = 10
    make_repair(status="done", created_at=utcnow() - timedelta(days=4))
    assert jobs.auto_confirm() == "0 auto-confirmed"


def test_flask_tick_runs_both_jobs(app):
    result = app.test_cli_runner().invoke(args=["tick"])
    assert "repairs: escalate: 0 escalated" in result.output
    assert "repairs: auto-confirm: 0 auto-confirmed" in result.output


def test_office_keeps_the_roster(client, login_as, make_user):
    login_as(Role.OFFICE)
    tech = make_user(Role.MAINTENANCE, name="夜班 Night tech")
    response = client.post("/repairs/roster", data={f"{today().isoformat()}_night": tech.id,
                                                    f"{today().isoformat()}_day": "0"})
    assert response.status_code == 303
    slot = db.session.query(DutyShift).one()
    assert (slot.day, slot.shift, slot.user_id) == (today(), "night", tech.id)
    assert "夜班 Night tech" in client.get("/repairs/roster").get_data(True)
    client.post("/repairs/roster", data={f"{today().isoformat()}_night": "0"})
    assert db.session.query(DutyShift).count() == 0


def test_only_maintenance_people_can_be_on_duty(client, login_as, make_user):
    login_as(Role.OFFICE)
    clerk = make_user()
    client.post("/repairs/roster", data={f"{today().isoformat()}_day": clerk.id})
    assert db.session.query(DutyShift).count() == 0


def test_escalation_tells_the_requester_and_co_reporters_their_request_was_escalated(app, make_user, make_repair):
    from app.repairs import services
    tech = make_user(Role.MAINTENANCE)
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    neighbour = make_user()
    with app.test_request_context():
        services.add_report(late, neighbour, "same here", [])
    assert jobs.escalate_overdue().startswith("1 escalated")
    expected = f"Your repair request #{late.id} was not taken in time, so all maintenance staff have been alerted."
    assert _notes(late.requester)[-1] == expected
    assert _notes(neighbour) == [expected]
    assert len(_notes(tech)) == 1 and "Escalated" in _notes(tech)[0]
    _climb_to_office([late.id])
    jobs.escalate_overdue()
    then = f"Your repair request #{late.id} is still not taken, so the office has been alerted."
    assert _notes(late.requester)[-1] == then and _notes(neighbour) == [expected, then]


def test_an_office_requester_hears_of_the_escalation_once(app, make_user, make_repair):
    clerk = make_user(Role.OFFICE)
    late = make_repair(requester=clerk, urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    jobs.escalate_overdue()
    _climb_to_office([late.id])
    jobs.escalate_overdue()
    assert _notes(clerk) == [
        f"Your repair request #{late.id} was not taken in time, so all maintenance staff have been alerted.",
        f"Escalated to the office: repair request #{late.id} at {late.location.label} is still not taken by "
        "maintenance."]


def test_auto_confirm_tells_co_reporters_too(app, make_user, make_repair):
    from app.repairs import services
    old = make_repair(status="in_progress", created_at=utcnow() - timedelta(days=4))
    neighbour = make_user()
    with app.test_request_context():
        services.add_report(old, neighbour, "same here", [])
    old.status, old.done_at = "done", utcnow() - timedelta(days=4)
    db.session.commit()
    jobs.auto_confirm()
    assert "confirmed automatically" in _notes(neighbour)[-1]


def _events(kind):
    return db.session.query(RepairEvent).filter_by(kind=kind).order_by(RepairEvent.repair_id).all()


def _overlapping(app, monkeypatch, job, runs=2) -> list[str]:
    """`job` in `runs` threads at once, each in its own app context, called directly (no lease). Every
    run has read the requests it will work on before any run claims one, so each claim is contested."""
    start, have_read = threading.Barrier(runs), threading.Barrier(runs, timeout=20)
    real = audience.co_reporters

    def co_reporters_then_wait(ids):
        found = real(ids)
        have_read.wait()
        return found
    monkeypatch.setattr(audience, "co_reporters", co_reporters_then_wait)
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
    assert not errors
    db.session.expire_all()
    return sorted(results)


def test_two_overlapping_escalation_runs_escalate_each_request_once_per_level(app, make_user, make_repair,
                                                                              monkeypatch):
    office, tech = make_user(Role.OFFICE), make_user(Role.MAINTENANCE)
    late = [make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1)) for _ in range(3)]
    assert _overlapping(app, monkeypatch, jobs.escalate_overdue) == [
        "0 escalated (0 to maintenance, 0 to the office)", "3 escalated (3 to maintenance, 0 to the office)"]
    assert [e.repair_id for e in _events("escalated")] == [r.id for r in late]
    assert sorted(_notes(tech)) == sorted(
        f"Escalated: nobody has taken repair request #{r.id} at {r.location.label} in time." for r in late)
    _climb_to_office([r.id for r in late])
    assert _overlapping(app, monkeypatch, jobs.escalate_overdue) == [
        "0 escalated (0 to maintenance, 0 to the office)", "3 escalated (0 to maintenance, 3 to the office)"]
    assert [e.repair_id for e in _events("escalated_office")] == [r.id for r in late]
    assert len(_notes(office)) == 3 and len(_notes(tech)) == 3
    for repair in late:
        assert len(_notes(repair.requester)) == 2


def test_two_overlapping_auto_confirm_runs_confirm_each_request_once(app, make_repair, monkeypatch):
    old = [make_repair(status="done", created_at=utcnow() - timedelta(days=4)) for _ in range(3)]
    versions = {r.id: r.version for r in old}
    assert _overlapping(app, monkeypatch, jobs.auto_confirm) == ["0 auto-confirmed", "3 auto-confirmed"]
    assert [e.repair_id for e in _events("auto_confirmed")] == [r.id for r in old]
    for repair in old:
        assert repair.status == "confirmed" and repair.version == versions[repair.id] + 1
        assert len(_notes(repair.requester)) == 1 and len(_notes(repair.assignee)) == 1


def _fail_at_second_notify(monkeypatch):
    """The run dies halfway: after it claimed a request and queued a first notification."""
    real, calls = jobs.notify, []

    def notify(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs, "notify", notify)


def test_an_escalation_run_that_dies_sends_nothing_and_the_next_run_sends_it_once(app, make_user, make_repair,
                                                                                   monkeypatch):
    tech = make_user(Role.MAINTENANCE)
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    _fail_at_second_notify(monkeypatch)
    with pytest.raises(RuntimeError):
        scheduler.run_job("repairs: escalate", jobs.escalate_overdue)
    assert _notes(tech) == [] and _events("escalated") == []
    assert db.session.get(RepairRequest, late.id).escalated_at is None
    monkeypatch.undo()
    assert scheduler.run_job("repairs: escalate", jobs.escalate_overdue).startswith("1 escalated")
    assert scheduler.run_job("repairs: escalate", jobs.escalate_overdue).startswith("0 escalated")
    assert len(_notes(tech)) == 1 and len(_notes(late.requester)) == 1 and len(_events("escalated")) == 1


def test_an_auto_confirm_run_that_dies_sends_nothing_and_the_next_run_sends_it_once(app, make_repair,
                                                                                     monkeypatch):
    first, second = (make_repair(status="done", created_at=utcnow() - timedelta(days=4)) for _ in range(2))
    _fail_at_second_notify(monkeypatch)  # the first request's notification, then the second's fails
    with pytest.raises(RuntimeError):
        scheduler.run_job("repairs: auto-confirm", jobs.auto_confirm)
    assert _notes(first.requester) == [] and _events("auto_confirmed") == []
    assert db.session.get(RepairRequest, first.id).status == "done"
    monkeypatch.undo()
    assert scheduler.run_job("repairs: auto-confirm", jobs.auto_confirm) == "2 auto-confirmed"
    assert scheduler.run_job("repairs: auto-confirm", jobs.auto_confirm) == "0 auto-confirmed"
    assert len(_notes(first.requester)) == 1 and len(_notes(second.requester)) == 1
    assert len(_events("auto_confirmed")) == 2


def test_a_requester_who_reopens_while_the_job_runs_keeps_their_answer(app, make_repair, monkeypatch):
    old = make_repair(status="done", created_at=utcnow() - timedelta(days=4))
    real, job_thread = audience.co_reporters, threading.get_ident()

    def requester_reopens_meanwhile(ids):
        """Between the job's read and its claim, the requester reopens on their phone."""
        if threading.get_ident() != job_thread:  # the reopen itself asks who else reported
            return real(ids)

        def reopen():
            with app.app_context():
                repair = db.session.get(RepairRequest, old.id)
                services.act(repair, repair.requester, "reopen", version=repair.version, note="又不冷了 warm again")
        thread = threading.Thread(target=reopen)
        thread.start()
        thread.join()
        return real(ids)
    monkeypatch.setattr(audience, "co_reporters", requester_reopens_meanwhile)
    assert jobs.auto_confirm() == "0 auto-confirmed"
    db.session.expire_all()
    assert db.session.get(RepairRequest, old.id).status == "assigned"
    assert _events("auto_confirmed") == []
    assert not any("confirmed automatically" in n for n in _notes(old.requester))


def test_a_page_drawn_before_an_auto_confirm_is_told_the_request_changed(app, make_repair):
    old = make_repair(status="done", created_at=utcnow() - timedelta(days=4))
    shown = old.version
    jobs.auto_confirm()
    with pytest.raises(services.RepairConflict, match="It is now “Confirmed”"):
        services.act(db.session.get(RepairRequest, old.id), old.requester, "reopen", version=shown, note="warm")


def test_an_escalation_does_not_stop_a_technician_taking_the_request_from_a_queue_drawn_before(
        client, login_as, make_repair):
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    shown = late.version  # the version the queue row carries in its take form
    tech = login_as(Role.MAINTENANCE)
    assert jobs.escalate_overdue().startswith("1 escalated")
    response = client.post(f"/repairs/{late.id}/act/take", data={"version": shown})
    assert response.status_code == 303
    repair = db.session.get(RepairRequest, late.id)
    assert repair.status == "assigned" and repair.assignee_id == tech.id
