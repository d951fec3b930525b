"""Visit rules without a browser: creation, requests, clashes, transitions, ticking races, reminders, purge."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.timeutil import utcnow
from app.visits import checklist, jobs, services, steps, workflow
from app.visits.models import Visit, VisitEvent, VisitStep
from tests.visits.conftest import visit_data


@pytest.fixture(autouse=True)
def english(app):
    """Messages outside a request are in the office's default language; these tests read English."""
    with force_locale("en"):
        yield


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message)
                                .where(Notification.user_id == user.id).order_by(Notification.id)))


def _create(app, creator, data):
    # No request context: notification links are built without one (the demo seeder and `flask tick` have none).
    return services.create_visit(creator, data)


# --- creating ----------------------------------------------------------------------------------------

def test_office_plans_a_visit_with_owner_and_copied_checklist(app, make_visit):
    visit = make_visit()
    assert visit.status == "planned" and visit.owner is not None
    assert len(visit.steps) == 10 and all(s.state == "open" for s in visit.steps)
    assert visit.names == ["张伟", "李娜"] and visit.purpose == "产品介绍 😀"


def test_an_employee_requests_a_visit_and_the_office_is_told(app, make_user):
    office = make_user(Role.OFFICE)
    host = make_user()
    visit = _create(app, host, visit_data(host))
    assert visit.status == "requested" and visit.owner is None and visit.requested_by_id == host.id
    assert any("needs an owner" in n for n in _notes(office))


def test_the_office_accepts_a_request_and_names_the_owner(app, make_user):
    office = make_user(Role.OFFICE)
    host = make_user()
    visit = _create(app, host, visit_data(host))
    services.accept(office, visit, office.id)
    assert visit.status == "planned" and visit.owner_id == office.id
    assert any("is planned" in n for n in _notes(host))
    with pytest.raises(services.VisitConflict, match="already handled"):
        services.accept(office, visit, office.id)


@pytest.mark.parametrize("overrides, field", [
    ({"visitor_names": " \n \n"}, "visitor_names"),
    ({"visitor_count": 1}, "visitor_count"),
    ({"host_id": 999_999}, "host_id"),
    ({"arrival": utcnow() - timedelta(days=1)}, "expected_arrival"),
    ({"hours": -1}, "expected_departure"),
    ({"owner_id": None}, "owner_id"),
])
def test_bad_input_is_refused_with_the_field_named(app, make_user, overrides, field):
    office = make_user(Role.OFFICE)
    host = make_user()
    data = visit_data(host, office, **{k: v for k, v in overrides.items() if k in ("arrival", "hours")})
    for key, value in overrides.items():
        if key not in ("arrival", "hours"):
            setattr(data, key, value)
    with pytest.raises(services.VisitError) as error:
        _create(app, office, data)
    assert error.value.field == field
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_an_inactive_host_is_unknown(app, make_user):
    office = make_user(Role.OFFICE)
    gone = make_user(active=False)
    with pytest.raises(services.VisitError, match="host"):
        _create(app, office, visit_data(gone, office))


def test_a_resent_form_creates_one_visit(app, make_user):
    office = make_user(Role.OFFICE)
    data = visit_data(make_user(), office)
    first = services.create_visit(office, data, token="tok-1")
    second = services.create_visit(office, data, token="tok-1")
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_the_same_visitors_are_not_registered_twice(app, make_user, make_visit):
    planned = make_visit()
    office = make_user(Role.OFFICE)
    walk_in = visit_data(make_user(), office, arrival=planned.expected_arrival + timedelta(minutes=30),
                         organisation=" 华为 HUAWEI ")
    with pytest.raises(services.VisitError, match=f"#{planned.id}") as error:
        _create(app, office, walk_in)
    assert error.value.field == "organisation"
    walk_in.expected_arrival += timedelta(days=1)
    walk_in.expected_departure += timedelta(days=1)
    assert _create(app, office, walk_in).id != planned.id


def test_a_different_group_is_confirmed_by_the_front_desk_not_by_a_host(app, make_user, make_visit):
    planned = make_visit()
    host = make_user()
    asked = visit_data(host, arrival=planned.expected_arrival, organisation="华为 Huawei", different_group=True)
    with pytest.raises(services.VisitError, match="Ask the office") as error:
        _create(app, host, asked)
    assert error.value.field == "organisation" and f"#{planned.id}" not in str(error.value.message)
    office = make_user(Role.OFFICE)
    second = _create(app, office, visit_data(host, office, arrival=planned.expected_arrival,
                                             organisation="华为 Huawei", different_group=True))
    assert second.id != planned.id and len(second.steps) == 10
    note = db.session.scalar(select(VisitEvent.text).where(VisitEvent.visit_id == second.id))
    assert note == f"A different group from visit #{planned.id}"


# --- clashes -----------------------------------------------------------------------------------------

def test_overlapping_visits_in_the_same_room_clash(app, make_user, make_visit, make_room):
    room = make_room()
    first = make_visit(room_id=room.id)
    office = make_user(Role.OFFICE)
    overlapping = visit_data(make_user(), office, arrival=first.expected_arrival + timedelta(hours=1),
                             room_id=room.id, organisation="比亚迪 BYD")
    with pytest.raises(services.VisitError, match=f"#{first.id}") as error:
        _create(app, office, overlapping)
    assert error.value.field == "room_id"


def test_back_to_back_other_rooms_and_cancelled_visits_do_not_clash(app, make_user, make_visit, make_room):
    room, other_room = make_room("A"), make_room("B")
    first = make_visit(room_id=room.id)
    assert services.room_clashes(room.id, "", first.expected_departure, first.expected_departure
                                 + timedelta(hours=1)) == []
    assert services.room_clashes(other_room.id, "", first.expected_arrival, first.expected_departure) == []
    services.cancel(first.owner, first, "客户改期")
    assert services.room_clashes(room.id, "", first.expected_arrival, first.expected_departure) == []


def test_free_text_rooms_clash_case_insensitively(app, make_visit):
    first = make_visit(room_text="Lab 2")
    assert [v.id for v in services.room_clashes(None, "lab 2 ", first.expected_arrival,
                                                first.expected_departure)] == [first.id]


# --- transitions -------------------------------------------------------------------------------------

def test_arrival_notifies_host_and_owner_at_once_and_only_once(app, make_user, make_visit):
    reception = make_user(Role.RECEPTION)
    visit = make_visit()
    services.record_arrival(reception, visit)
    with pytest.raises(services.VisitConflict, match="already recorded"):
        services.record_arrival(reception, visit)
    assert visit.status == "in_progress" and visit.arrived_at is not None
    assert _notes(visit.host) == ["Your visitors from 华为 Huawei have arrived."]
    assert len(_notes(visit.owner)) == 1


def test_departure_completes_only_when_every_step_is_done_or_skipped(app, make_user, make_visit):
    reception = make_user(Role.RECEPTION)
    visit = make_visit()
    services.record_arrival(reception, visit)
    services.record_departure(reception, visit)
    assert visit.status == "in_progress" and visit.departed_at is not None
    for step in visit.steps[:-1]:
        steps.tick(step, reception)
    assert visit.status == "in_progress"
    steps.skip(visit.steps[-1], reception, "客户无需跟进")
    assert visit.status == "completed"
    actions = list(db.session.scalars(select(VisitEvent.action).where(VisitEvent.visit_id == visit.id)))
    assert actions.count("complete") == 1


def test_status_table_allows_only_listed_moves(app, make_user, make_visit):
    employee, reception, office = make_user(), make_user(Role.RECEPTION), make_user(Role.OFFICE)
    visit = make_visit()
    assert workflow.can(reception, visit, "arrive") and not workflow.can(employee, visit, "arrive")
    assert workflow.can(visit.host, visit, "cancel") and not workflow.can(reception, visit, "cancel")
    assert not workflow.can(office, visit, "depart")  # not arrived yet
    assert not workflow.can(office, visit, "accept")  # already planned
    services.cancel(office, visit, "客户改期")
    assert visit.status == "cancelled" and visit.cancel_reason == "客户改期"
    assert not any(workflow.can(office, visit, a) for a in ("arrive", "tick", "edit", "cancel"))
    with pytest.raises(services.VisitError) as refused:
        services.cancel(office, make_visit(), "  ")
    assert refused.value.field == "reason"


# --- ticking -----------------------------------------------------------------------------------------

def test_a_step_ticked_twice_at_once_gives_one_result_and_one_history_entry(app, make_user, make_visit):
    first, second = make_user(Role.RECEPTION), make_user(Role.RECEPTION)
    step_id = make_visit().steps[0].id
    with app.app_context():  # the second person's request, which loaded the step while it was open
        stale = db.session.get(VisitStep, step_id)
        assert stale.state == "open" and stale.visit.cohosts == []
        with app.app_context():  # the first person's request wins the race
            steps.tick(db.session.get(VisitStep, step_id), first)
        with pytest.raises(steps.StepConflict, match=first.name):
            steps.tick(stale, second)
        assert stale.state == "done"  # the loser now sees the current state
    step = db.session.get(VisitStep, step_id)
    assert step.state == "done" and step.done_by_id == first.id
    ticks = db.session.scalar(select(func.count()).select_from(VisitEvent)
                              .where(VisitEvent.step_id == step_id, VisitEvent.action == "tick"))
    assert ticks == 1


def test_untick_keeps_the_tick_and_the_reason_in_history(app, make_user, make_visit):
    reception = make_user(Role.RECEPTION)
    visit = make_visit()
    step = visit.steps[0]
    steps.tick(step, reception)
    steps.untick(step, reception, "点错了")
    assert step.state == "open" and step.done_by_id is None
    history = [(e.action, e.text) for e in db.session.scalars(
        select(VisitEvent).where(VisitEvent.step_id == step.id).order_by(VisitEvent.id))]
    assert history == [("tick", ""), ("untick", "点错了")]


def test_people_outside_the_visit_cannot_tick(app, make_user, make_visit):
    visit = make_visit()
    with pytest.raises(steps.StepError, match="not yours"):
        steps.tick(visit.steps[0], make_user(Role.MAINTENANCE))
    steps.tick(visit.steps[2], visit.host)
    assert visit.steps[2].state == "done"


def test_changing_the_times_moves_the_due_times(app, make_visit):
    visit = make_visit()
    data = visit_data(visit.host, visit.owner, arrival=visit.expected_arrival + timedelta(days=1))
    services.update_visit(visit.owner, visit, data, visit.version)
    assert visit.steps[0].due_at == checklist.due_time(visit.expected_arrival, -2880)
    with pytest.raises(services.VisitConflict, match="Someone else"):
        services.update_visit(visit.owner, visit, data, visit.version - 1)


def test_a_new_type_brings_its_checklist_until_someone_works_on_it(app, make_user, make_visit):
    visit = make_visit()
    old_ids = {s.id for s in visit.steps}
    data = visit_data(visit.host, visit.owner, arrival=visit.expected_arrival, visit_type="interview")
    services.update_visit(visit.owner, visit, data, visit.version)
    assert visit.visit_type == "interview" and len(visit.steps) == 3 and not old_ids & {s.id for s in visit.steps}
    assert visit.steps[0].due_at == checklist.due_time(visit.expected_arrival, -checklist.DAY)
    assert db.session.scalar(select(func.count()).select_from(VisitStep).where(VisitStep.id.in_(old_ids))) == 0
    history = db.session.scalars(select(VisitEvent.text).where(VisitEvent.action == "retype"))
    assert list(history) == ["Customer visit → Job interview"]
    # A note is work on the checklist too: its history must keep making sense.
    steps.set_note(visit.steps[0], visit.owner, "候选人姓名已告知")
    data.visit_type = "other"
    with pytest.raises(services.VisitError, match="can no longer change") as error:
        services.update_visit(visit.owner, visit, data, visit.version)
    assert error.value.field == "visit_type"
    db.session.rollback()
    assert visit.visit_type == "interview" and len(visit.steps) == 3


def test_a_ticked_checklist_keeps_its_type(app, make_user, make_visit):
    visit = make_visit()
    steps.tick(visit.steps[0], visit.owner)
    steps.untick(visit.steps[0], visit.owner, "点错了")  # reopened, but the history names it
    data = visit_data(visit.host, visit.owner, arrival=visit.expected_arrival, visit_type="supplier")
    with pytest.raises(services.VisitError, match="can no longer change"):
        services.update_visit(visit.owner, visit, data, visit.version)


# --- reminders and purge -----------------------------------------------------------------------------

def test_overdue_steps_are_reported_to_owner_and_host_once(app, make_user, make_visit):
    visit = make_visit(arrival=(utcnow() + timedelta(minutes=30)).replace(microsecond=0))
    # Steps already late when the visit was planned at short notice send nothing.
    assert jobs.remind_overdue_steps().startswith("0 ")
    visit.steps[6].due_at = utcnow() - timedelta(minutes=1)  # time passes: "greet on arrival" is late
    db.session.commit()
    assert jobs.remind_overdue_steps() == "1 overdue step(s) reported"
    assert jobs.remind_overdue_steps().startswith("0 ")
    assert _notes(visit.host) == [f"Overdue for the visit of 华为 Huawei: {visit.steps[6].title}"]
    assert len(_notes(visit.owner)) == 1
    # Built by `flask tick`, outside any request: the link still opens the visit.
    link = db.session.scalar(select(Notification.link).where(Notification.user_id == visit.host_id))
    assert link == f"/visits/{visit.id}"


def test_visitors_still_on_site_after_the_grace_period_are_recalled(app, make_user, make_visit):
    reception = make_user(Role.RECEPTION)
    visit = make_visit(arrival=utcnow().replace(microsecond=0), hours=1)
    services.record_arrival(reception, visit)
    assert jobs.remind_checkouts().startswith("0 ")
    visit.expected_departure = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert jobs.remind_checkouts().startswith("1 ")
    assert jobs.remind_checkouts().startswith("0 ")
    assert any("should have left" in n for n in _notes(reception))
    assert any("should have left" in n for n in _notes(visit.owner))


def test_purge_blanks_personal_data_of_old_visits_and_keeps_statistics(app, make_visit, make_user):
    old, recent = make_visit(), make_visit()
    old.expected_arrival -= timedelta(days=200)
    old.expected_departure -= timedelta(days=200)
    old.reception_note = "VIP 喜欢绿茶"
    old.dietary_notes = "张总糖尿病"
    db.session.commit()
    reception = make_user(Role.RECEPTION)
    steps.tick(old.steps[0], reception)
    steps.untick(old.steps[0], reception, "张总改了时间")
    steps.skip(old.steps[1], reception, "李娜自己带材料")
    steps.set_note(old.steps[2], reception, "王先生素食")
    recent_note = "张伟晚到"
    steps.skip(recent.steps[1], reception, recent_note)
    assert jobs.purge_personal_data(180) == 1
    db.session.expire_all()
    assert (old.visitor_names, old.lead_phone, old.reception_note, old.dietary_notes) == ("", "", "", "")
    assert [(s.note, s.skip_reason) for s in old.steps if s.note or s.skip_reason] == []
    texts = db.session.scalars(select(VisitEvent.text).where(VisitEvent.visit_id == old.id))
    assert [text for text in texts if text] == []
    # What was done stays for the statistics, only the words are gone.
    assert old.steps[1].state == "skipped" and old.steps[0].state == "open"
    assert old.visitor_count == 2 and old.organisation == "华为 Huawei" and len(old.steps) == 10
    assert recent.names == ["张伟", "李娜"] and recent.steps[1].skip_reason == recent_note
    assert jobs.purge_personal_data(180) == 0
