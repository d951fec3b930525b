"""Two people acting on the same meeting at the same moment, each through their own browser (two threads, two
sessions): one succeeds and the other gets a 409 with the current state, never a 500, on SQLite and
PostgreSQL."""
import threading

from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.meetings import closing, services
from app.meetings.models import AgendaItem, Attendance, FollowupReview, Meeting
from app.notifications.models import Notification
from tests import PARTIAL
from tests.conftest import PASSWORD
from tests.meetings.test_views import item_post


def _browser(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303
    return client


def _at_once(app, monkeypatch, module, name, posts):
    """Send `posts` ((client, url, data, headers) each) in threads started together; each request stops at
    `module.name` (its first write) until all have read what they are about to change, then goes on."""
    start, have_read = threading.Barrier(len(posts)), threading.Barrier(len(posts), timeout=20)
    waited, real = threading.local(), getattr(module, name)

    def read_then_wait(*args, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            have_read.wait()
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, read_then_wait)
    answers, errors = [None] * len(posts), []

    def send(index, client, url, data, headers):
        with app.app_context():
            start.wait()
            try:
                answers[index] = client.post(url, data=data, headers=headers)
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


def test_two_office_staff_closing_the_same_meeting_close_it_once(app, make_user, meeting, prod_liaison, hr_liaison,
                                                                 add_item, assign, make_meeting, office_user,
                                                                 monkeypatch):
    """Closing carries undiscussed items on, keeps the follow-ups and attendance, tells every liaison: done
    twice it inserted every row twice (unique violations: 500s)."""
    earlier = make_meeting(days=-7)
    assign(office_user, add_item(earlier, prod_liaison, title="上周"), hr_liaison, task="旧任务")
    add_item(meeting, prod_liaison, title="没讨论")
    first, second = make_user(Role.OFFICE, name="Office Li"), make_user(Role.OFFICE, name="Office Wang")
    url = f"/meetings/{meeting.id}/status"
    answers = _at_once(app, monkeypatch, closing, "_claim_status",
                       [(_browser(app, first), url, {"move": "close", "attendance": "accepted"}, {}),
                        (_browser(app, second), url, {"move": "close", "attendance": "accepted"}, {})])
    assert sorted(a.status_code for a in answers) == [303, 409]
    lost = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    assert "Someone else changed this meeting first; it is now: closed." in lost
    assert db.session.get(Meeting, meeting.id).status == "closed"
    carried = db.session.scalars(select(AgendaItem.title).where(AgendaItem.carried_from_id.is_not(None)))
    assert list(carried) == ["没讨论"]
    assert db.session.scalar(select(func.count()).select_from(FollowupReview)
                             .where(FollowupReview.meeting_id == meeting.id)) == 1
    told = db.session.scalars(select(Notification.user_id).where(Notification.message.like("%minutes are ready%")))
    assert sorted(told) == sorted([prod_liaison.id, hr_liaison.id])


def test_two_people_saving_the_same_agenda_item_at_once_get_one_save_and_one_409(app, make_user, prod, meeting,
                                                                                 prod_liaison, add_item, monkeypatch):
    item = add_item(meeting, prod_liaison, title="原标题")
    version = item.version
    office = make_user(Role.OFFICE, name="Office Li")
    prefix = f"item{item.id}"
    liaison_edit = item_post(prefix, title="联络员的标题", version=version)
    office_edit = item_post(prefix, title="办公室的标题", version=version, department_id=str(prod.id))
    url = f"/meetings/items/{item.id}"
    answers = _at_once(app, monkeypatch, services, "bump_open",
                       [(_browser(app, prod_liaison), url, liaison_edit, PARTIAL),
                        (_browser(app, office), url, office_edit, PARTIAL)])
    assert sorted(a.status_code for a in answers) == [200, 409]
    saved = db.session.get(AgendaItem, item.id)
    lost = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    mine = "联络员的标题" if saved.title == "办公室的标题" else "办公室的标题"
    # The loser sees the winner's title above the form and keeps their own text in it, to save again knowingly.
    assert saved.title in lost and mine in lost and saved.version == version + 1




def test_two_office_staff_saving_attendance_at_once_both_save(app, make_user, prod, meeting, monkeypatch):
    """The sheet has no version: the later save wins, as if a moment later. Both used to insert the
    department's first row (a unique violation: a 500)."""
    first, second = make_user(Role.OFFICE), make_user(Role.OFFICE)
    url = f"/meetings/{meeting.id}/attendance"
    answers = _at_once(app, monkeypatch, services, "bump_open",
                       [(_browser(app, first), url, {f"status-{prod.id}": "present"}, {}),
                        (_browser(app, second), url, {f"status-{prod.id}": "substitute",
                                                      f"substitute-{prod.id}": "赵敏"}, {})])
    assert [a.status_code for a in answers] == [303, 303]
    [row] = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    assert (row.status, row.substitute) in {("present", ""), ("substitute", "赵敏")}
