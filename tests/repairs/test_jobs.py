"""What `flask tick` does for repairs (escalation, auto-confirmation) and the roster that routes alerts."""
from datetime import timedelta

from sqlalchemy.orm.exc import StaleDataError

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.repairs import jobs
from app.repairs.models import DutyShift, RepairEvent, RepairRequest
from app.timeutil import today, utcnow


def _notes(user):
    return [n.message for n in db.session.query(Notification)
            .filter_by(user_id=user.id).order_by(Notification.id)]


def test_escalation_tells_office_and_all_maintenance_once_and_records_it(app, make_user, make_repair):
    office, tech = make_user(Role.OFFICE), make_user(Role.MAINTENANCE)
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    make_repair(urgency="emergency")  # still within its 30 minutes
    assert jobs.escalate_overdue() == "1 escalated"
    assert jobs.escalate_overdue() == "0 escalated"
    assert len(_notes(office)) == 1 and "Escalated" in _notes(tech)[0]
    event = db.session.query(RepairEvent).one()
    assert event.kind == "escalated" and event.repair_id == late.id and event.actor_id is None


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


def test_a_person_acting_meanwhile_makes_the_job_yield_not_crash(app, make_repair, monkeypatch):
    old = make_repair(status="done", created_at=utcnow() - timedelta(days=4))

    def stale():
        raise StaleDataError("changed meanwhile")
    monkeypatch.setattr(db.session, "commit", stale)
    assert "retrying at the next tick" in jobs.auto_confirm()
    monkeypatch.undo()
    assert db.session.get(RepairRequest, old.id).status == "done"


def test_escalation_tells_the_requester_and_co_reporters_their_request_was_escalated(app, make_user, make_repair):
    from app.repairs import services
    tech = make_user(Role.MAINTENANCE)
    late = make_repair(urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    neighbour = make_user()
    with app.test_request_context():
        services.add_report(late, neighbour, "same here", [])
    assert jobs.escalate_overdue() == "1 escalated"
    expected = (f"Your repair request #{late.id} was not taken in time, so the office and all maintenance staff "
                "have been alerted.")
    assert _notes(late.requester)[-1] == expected
    assert _notes(neighbour) == [expected]
    assert len(_notes(tech)) == 1 and "Escalated" in _notes(tech)[0]


def test_an_office_requester_hears_of_the_escalation_once(app, make_user, make_repair):
    clerk = make_user(Role.OFFICE)
    make_repair(requester=clerk, urgency="emergency", created_at=utcnow() - timedelta(hours=1))
    jobs.escalate_overdue()
    assert len(_notes(clerk)) == 1


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
