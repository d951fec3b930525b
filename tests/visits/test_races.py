"""Two people acting on the same visit at the same moment, each through their own browser (two threads, two
sessions): one succeeds and the other gets a 409 with the visit as it is now, never a 500 or a silent
overwrite, on SQLite and PostgreSQL."""
import threading
from datetime import timedelta

from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.visits import services, steps
from app.visits.models import Visit, VisitStep
from tests.conftest import PASSWORD
from tests.visits.test_views import form_data


def _browser(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303
    return client


def _at_once(app, monkeypatch, hooks, posts):
    """Send `posts` ((client, url, data) each) in threads started together; each request stops at the first of
    `hooks` ((module, function name) each: the first write of its path) until all have read what they are
    about to change, then goes on."""
    start, have_read = threading.Barrier(len(posts)), threading.Barrier(len(posts), timeout=20)
    waited = threading.local()

    def stopping(real):
        def read_then_wait(*args, **kwargs):
            if not getattr(waited, "done", False):
                waited.done = True
                have_read.wait()
            return real(*args, **kwargs)
        return read_then_wait
    for module, name in hooks:
        monkeypatch.setattr(module, name, stopping(getattr(module, name)))
    answers, errors = [None] * len(posts), []

    def send(index, client, url, data):
        with app.app_context():
            start.wait()
            try:
                answers[index] = client.post(url, data=data)
            except Exception as exc:  # noqa: BLE001  reported by the assertion below
                errors.append(exc)
    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    assert not errors, errors
    db.session.expire_all()
    return answers


def test_two_people_saving_the_same_visit_at_once_get_one_save_and_one_409(app, make_user, make_visit,
                                                                          monkeypatch):
    """One changes the visit type (a new checklist replaces the old), the other the times and the co-hosts
    (the old checklist's due times move): both rewrite the same rows, so only one may."""
    first, second = make_user(Role.OFFICE, name="Office Li"), make_user(Role.OFFICE, name="Office Wang")
    visit = make_visit(owner=first)
    cohost = make_user(name="Co Host")
    version, arrival = visit.version, visit.expected_arrival
    retype = form_data(visit.host, first, arrival=arrival, organisation="华为 Huawei 改", visit_type="interview",
                       version=str(version))
    move = form_data(visit.host, first, arrival=arrival + timedelta(days=1), organisation="华为 Huawei 挪",
                     cohost_ids=[str(cohost.id)], version=str(version))
    url = f"/visits/{visit.id}/edit"
    answers = _at_once(app, monkeypatch, [(services, "_claim_version")],
                       [(_browser(app, first), url, retype), (_browser(app, second), url, move)])
    assert sorted(a.status_code for a in answers) == [303, 409]
    lost = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    assert "Someone else changed this visit while you were editing" in lost
    saved = db.session.get(Visit, visit.id)
    assert saved.version == version + 1
    if saved.organisation == "华为 Huawei 改":  # the retype won: its checklist, its times, no co-host
        assert saved.visit_type == "interview" and len(saved.steps) == 3 and saved.cohosts == []
        assert saved.expected_arrival == arrival and "华为 Huawei 挪" in lost
    else:  # the move won: the old checklist, rescheduled, with the co-host
        assert saved.visit_type == "customer" and len(saved.steps) == 10 and saved.cohosts == [cohost]
        assert saved.expected_arrival == arrival + timedelta(days=1) and "华为 Huawei 改" in lost
    assert db.session.scalar(select(VisitStep.id).where(VisitStep.visit_id == visit.id,
                                                        VisitStep.due_at.is_(None))) is None


def test_a_tick_while_the_visit_changes_type_gives_one_success_and_one_409(app, make_user, make_visit,
                                                                          monkeypatch):
    """The office changes the type (the checklist is replaced) while reception ticks a step of the old one:
    whichever comes first wins, the other is told; the tick is never lost under a new checklist."""
    office, reception = make_user(Role.OFFICE), make_user(Role.RECEPTION)
    visit = make_visit(owner=office)
    step_id = visit.steps[6].id
    retype = form_data(visit.host, office, arrival=visit.expected_arrival, visit_type="supplier",
                       version=str(visit.version))
    answers = _at_once(app, monkeypatch, [(services, "_claim_version"), (steps, "_touch")],
                       [(_browser(app, office), f"/visits/{visit.id}/edit", retype),
                        (_browser(app, reception), f"/visits/{visit.id}/steps/{step_id}/tick", {})])
    edit, tick = answers
    assert sorted([edit.status_code, tick.status_code]) == [303, 409]
    saved = db.session.get(Visit, visit.id)
    if edit.status_code == 303:
        assert "no longer on the checklist" in tick.get_data(as_text=True)
        assert saved.visit_type == "supplier" and all(s.state == "open" for s in saved.steps)
    else:
        assert "can no longer change" in edit.get_data(as_text=True)
        assert saved.visit_type == "customer" and db.session.get(VisitStep, step_id).state == "done"
