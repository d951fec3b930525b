"""The front desk is red only with what reception can act on (issue 13, item 3): steps already past when a
visit is planned are late-planned (shown, never alarmed), the board alarms reception's own steps, the owner's
steps are left to the owner, and nothing is alarmed for the visitors' stay once they have left."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.timeutil import day_bounds, today, utcnow
from app.visits import jobs, services
from app.visits.models import Visit


def _card(page: str, visit) -> str:
    return page.split(f'id="visit-card-{visit.id}"')[1].split("</article>")[0]


def _time_passes(visit, hours: float) -> None:
    """Move the visit and its steps `hours` earlier: as if that much time had passed since it was planned."""
    shift = timedelta(hours=hours)
    visit = db.session.get(Visit, visit.id)
    visit.expected_arrival -= shift
    visit.expected_departure -= shift
    for step in visit.steps:  # directly, not through reschedule(): time passing marks nothing late-planned
        step.due_at -= shift
    db.session.commit()
    db.session.expire_all()


def _due_a_while_ago() -> float:
    """Hours to move a visit planned three days ahead so that its visitors were due a while ago, today: half an
    hour ago, or just after midnight office time, half of what has passed of the day."""
    elapsed = (utcnow() - day_bounds(today())[0]).total_seconds() / 3600
    return 72 + min(0.5, elapsed / 2)


def _reminders() -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.message.like("%Overdue%"))))


def test_a_visit_planned_for_later_today_is_not_red_with_steps_due_days_before(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    now = utcnow()
    # Later today in office time: three hours on, or half of what is left of the day late in the evening.
    later = min(timedelta(hours=3), (day_bounds(today())[1] - now) / 2)
    visit = make_visit(arrival=(now + later).replace(microsecond=0))
    late = [s.title for s in visit.steps if s.late_planned]
    # The owner's and host's steps due a day or two before arrival, and late in the evening those due
    # within the hour before it.
    assert len(late) >= 5
    page = client.get("/visits/today").get_data(as_text=True)
    assert "has-overdue" not in _card(page, visit) and "Overdue" not in page
    detail = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert detail.count("already past when planned") == len(late) and "· overdue" not in detail
    jobs.remind_overdue_steps()
    assert _reminders() == []


def test_the_board_alarms_receptions_steps_and_the_owner_is_reminded_of_the_owners(client, login_as, make_visit):
    login_as(Role.RECEPTION)
    visit = make_visit()  # planned three days ahead: nothing late-planned
    assert not any(s.late_planned for s in visit.steps)
    _time_passes(visit, _due_a_while_ago())  # the visitors were due a while ago and nobody ticked anything
    card = _card(client.get("/visits/today").get_data(as_text=True), visit)
    assert "has-overdue" in card
    titles = {step.responsible: step.title for step in reversed(db.session.get(Visit, visit.id).steps)}
    assert f"Overdue: {titles['reception']}" in card  # greeting the customer: reception's, due at arrival
    assert f"Overdue: {titles['owner']}" not in card  # confirming the details: the owner's
    jobs.remind_overdue_steps()
    assert any(titles["owner"] in message for message in _reminders())


def test_after_check_out_nothing_about_the_stay_is_alarmed(client, login_as, make_visit):
    reception = login_as(Role.RECEPTION)
    visit = make_visit()
    _time_passes(visit, _due_a_while_ago())
    services.record_arrival(reception, db.session.get(Visit, visit.id))
    services.record_departure(reception, db.session.get(Visit, visit.id))
    card = _card(client.get("/visits/today").get_data(as_text=True), visit)
    assert "has-overdue" not in card and "Overdue" not in card
    jobs.remind_overdue_steps()
    assert _reminders() == []
