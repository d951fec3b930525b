"""The office's figures read day rows and stored spans kept by the writes (app/requests/figures.py): after each
step of a request the figures are right at once, the kept rows are what counting afresh gives, and two
requests filed at the same moment both count."""
import threading
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.requests import figures, jobs, services, stats
from app.requests.models import RequestFigureDay, RequestType, ServiceRequest


def _day_rows() -> dict:
    return {(row.day, row.department_id, row.type_id): tuple(getattr(row, name) for name in figures.COUNTS)
            for row in db.session.scalars(select(RequestFigureDay).execution_options(populate_existing=True))
            if row.filed}


def _counted_afresh() -> dict:
    """The day rows as `flask requests rebuild-figures` counts them from the requests, the kept ones untouched."""
    savepoint = db.session.begin_nested()
    figures.rebuild(db.session)
    rows = _day_rows()
    savepoint.rollback()
    return rows


def _spans_afresh() -> list:
    return [(item.answer_seconds, item.done_seconds) == (
        figures.seconds(item.created_at, item.answered_at), figures.seconds(item.created_at, item.done_at))
        for item in db.session.scalars(select(ServiceRequest))]


def _row(request_type=None):
    """The 30-day figures of the only department and type, or of `request_type`'s."""
    db.session.expire_all()
    assert _day_rows() == _counted_afresh() and all(_spans_afresh())
    rows = stats.table(30)
    if request_type is None:
        [row] = rows
        return row
    return next((row for row in rows if row.request_type.id == request_type.id), None)


def _file(user, request_type):
    filed = services.file_request(user, request_type, text="需要检测报告", extra=[], files=[])
    return db.session.get(ServiceRequest, filed.request_id)


def _backdate(item, hours: int) -> None:
    """Filed `hours` earlier, its clocks with it (as if the steps below took that long)."""
    shift = timedelta(hours=hours)
    item.created_at, item.answer_due, item.complete_due = (item.created_at - shift, item.answer_due - shift,
                                                           item.complete_due - shift)
    db.session.commit()


def _about(span, hours: int) -> bool:
    """A median of `hours`, give or take the seconds the test's own steps took (a loaded machine: one or two)."""
    return span is not None and abs(span - timedelta(hours=hours)) < timedelta(seconds=30)


def test_the_figures_follow_each_step_of_a_request(make_user, make_type, make_handler):
    request_type = make_type(answer_days=1, complete_days=3)
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    row = _row()
    assert (row.filed, row.answered_on_time, row.done_on_time, row.median_answer) == (1, None, None, None)
    _backdate(item, 2)
    services.act(item, handler, "take")
    services.act(item, handler, "answer", note="On its way")
    row = _row()
    assert row.answered_on_time == 1 and _about(row.median_answer, hours=2)
    services.act(item, handler, "ask", note="Which batch?")
    services.act(item, sales, "reply", note="Batch 7")   # the completion clock is pushed on
    _backdate(item, 3)
    services.act(item, handler, "complete", note="Sent by mail")
    row = _row()
    assert row.done_on_time == 1 and _about(row.median_done, hours=5)
    services.act(item, sales, "reopen", note="Wrong model")
    row = _row()
    assert row.done_on_time is None and row.median_done is None
    assert row.answered_on_time == 1 and _about(row.median_answer, hours=5)  # its first answer stays
    services.act(item, handler, "complete", note="Right model")
    services.act(item, sales, "confirm")
    row = _row()
    assert row.done_on_time == 1 and _about(row.median_done, hours=5)


def test_a_request_past_its_clocks_counts_late_and_a_hand_over_moves_it(make_user, make_type, make_handler,
                                                                       make_department):
    request_type, other = make_type(answer_days=1, complete_days=2), make_department()
    sales, handler = make_user(), make_handler(request_type.department)
    make_handler(other)
    item = _file(sales, request_type)
    _backdate(item, 24 * 10)  # ten days ago: both clocks have run out, nobody answered
    row = _row()
    assert (row.filed, row.answered_on_time, row.done_on_time) == (1, 0, 0)
    services.act(item, handler, "hand_over", note="Not ours", department=other)
    assert _row(request_type).department.id == other.id
    services.act(item, sales, "cancel")
    row = _row()
    assert (row.filed, row.answered_on_time, row.done_on_time) == (1, 0, 0)   # cancelled after both were due


def test_a_clock_set_again_after_a_commit_moves_the_request_between_on_time_and_late(make_user, make_type):
    """What the request counted for before the change is taken away, also when it was expired by a commit."""
    request_type, sales = make_type(answer_days=1), make_user()
    item = _file(sales, request_type)
    db.session.commit()
    item.answered_at = item.created_at + timedelta(hours=1)
    db.session.commit()
    assert _row().answered_on_time == 1
    item.answered_at = item.answer_due + timedelta(hours=1)
    db.session.commit()
    assert _row().answered_on_time == 0


def test_the_auto_confirmation_leaves_the_figures_as_they_were(make_user, make_type, make_handler):
    """It closes done requests with one UPDATE the listener does not see: a done request counts the same
    closed or not, which the comparison with counting afresh (in _row) checks."""
    request_type = make_type(answer_days=1, complete_days=3)
    handler, sales = make_handler(request_type.department), make_user()
    item = _file(sales, request_type)
    services.act(item, handler, "take")
    services.act(item, handler, "complete", note="Sent by mail")
    _backdate(item, 24 * 20)  # and the answer and the completion with it: done weeks ago, never confirmed
    item.answered_at, item.done_at = item.answered_at - timedelta(days=20), item.done_at - timedelta(days=20)
    db.session.commit()
    before = _row()
    assert jobs.auto_confirm() == "1 auto-confirmed"
    assert db.session.get(ServiceRequest, item.id).closed_at is not None
    assert _row() == before


def test_two_requests_filed_at_the_same_moment_both_count(app, client, login_as, make_user, make_type):
    request_type = make_type()
    people = [make_user().id, make_user().id]
    type_id = request_type.id
    start, errors = threading.Barrier(2), []

    def file(person_id):
        with app.app_context():
            try:
                start.wait()
                services.file_request(db.session.get(User, person_id), db.session.get(RequestType, type_id),
                                      text="at once", extra=[], files=[])
            except Exception as exc:  # noqa: BLE001  reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=file, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert _row().filed == 2
    login_as(Role.OFFICE)
    assert "<dt>Filed</dt><dd>2</dd>" in client.get("/requests/office").get_data(True)


def test_the_office_page_shows_a_new_request_at_once(client, make_user, make_type, login_as):
    """The page is kept by revision: a request filed since it was drawn is counted on the next view."""
    request_type, sales = make_type(), make_user()
    login_as(Role.OFFICE)
    _file(sales, request_type)
    assert "<dt>Filed</dt><dd>1</dd>" in client.get("/requests/office").get_data(True)
    _file(make_user(), request_type)
    assert "<dt>Filed</dt><dd>2</dd>" in client.get("/requests/office").get_data(True)
