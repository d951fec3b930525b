"""Meeting rules without a client: scheduling, permissions, versions, order, closing and carry-over."""
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text

from app.auth.roles import Role
from app.auth.services import set_active
from app.extensions import db
from app.meetings import actions, attendance, closing, jobs, live, queries, services, views
from app.meetings.models import AgendaItem, FollowupReview, Meeting, Presence
from app.meetings.workflow import ActionState, ItemStatus, MeetingStatus
from app.notifications.models import Notification
from app.timeutil import to_local, today, utcnow

ACCEPTED, DONE, STARTED = ActionState.ACCEPTED, ActionState.DONE, ActionState.STARTED


def viewer(user, meeting):
    return services.Viewer(user, db.session.get(Meeting, meeting.id))


def test_next_slot_is_one_week_after_the_last_meeting_same_time_and_place(thursday_meeting):
    start, place = services.next_slot()
    last = to_local(thursday_meeting.starts_at).replace(tzinfo=None)
    assert start == last + timedelta(days=7)
    assert start.weekday() == last.weekday() and start.time() == last.time()
    assert place == "Room 301"


def test_a_weekly_slot_on_a_closed_day_moves_to_the_next_working_day(app, thursday_meeting):
    app.config["CALENDAR_CLOSED_DAYS"] = ["2030-03-14"]  # the office closes that Thursday
    start, _place = services.next_slot()
    assert start == datetime(2030, 3, 15, 9, 0)  # Friday, same time


def test_next_slot_is_never_in_the_past(make_meeting):
    make_meeting(days=-30)
    start, _place = services.next_slot()
    assert start > to_local(utcnow()).replace(tzinfo=None)


def test_a_liaisons_item_is_always_their_own_departments(meeting, prod_liaison, hr, add_item):
    item = add_item(meeting, prod_liaison, department_id=hr.id)
    assert item.department_id == prod_liaison.department_id


def test_office_must_say_which_department_raises_an_item(meeting, office_user, add_item):
    with pytest.raises(services.MeetingError):
        add_item(meeting, office_user)


def test_an_item_belongs_to_the_office_and_its_own_department(meeting, office_user, prod_liaison, hr_liaison,
                                                               add_item):
    item = add_item(meeting, prod_liaison)
    assert viewer(prod_liaison, meeting).owns(item) and viewer(office_user, meeting).owns(item)
    assert not viewer(hr_liaison, meeting).owns(item)
    services.update_item(viewer(prod_liaison, meeting), item, {"title": "改过了"}, item.version)
    assert db.session.get(AgendaItem, item.id).title == "改过了"


def test_a_stale_version_raises_a_conflict_with_the_other_persons_text(meeting, prod_liaison, office_user, add_item):
    item = add_item(meeting, prod_liaison, title="原来的")
    read_at = item.version
    services.update_item(viewer(office_user, meeting), item,
                         {"title": "办公室的版本", "department_id": item.department_id}, read_at)
    with pytest.raises(services.MeetingConflict) as caught:
        services.update_item(viewer(prod_liaison, meeting), item, {"title": "联络员的版本"}, read_at)
    assert caught.value.current.title == "办公室的版本"
    assert db.session.get(AgendaItem, item.id).title == "办公室的版本"


def test_order_persists_after_moving(meeting, prod_liaison, office_user, add_item):
    first, second, third = (add_item(meeting, prod_liaison, title=t) for t in ("一", "二", "三"))
    services.move_item(viewer(office_user, meeting), db.session.get(AgendaItem, third.id), "up")
    services.move_item(viewer(office_user, meeting), db.session.get(AgendaItem, first.id), "down")
    assert [i.title for i in queries.agenda(db.session.get(Meeting, meeting.id))] == ["三", "一", "二"]


def test_a_move_sends_only_the_two_items_that_changed_place(meeting, prod_liaison, office_user, add_item):
    first, second, third = (add_item(meeting, prod_liaison, title=t) for t in ("一", "二", "三"))
    before = live.revisions(meeting.id).revision
    services.move_item(viewer(office_user, meeting), db.session.get(AgendaItem, third.id), "up")
    changes = live.changes_since(meeting.id, before)
    assert not changes.layout and changes.new_items == []
    assert [(i.title, i.position) for i in changes.items] == [("三", 2), ("二", 3)]


def test_every_change_raises_the_revision_and_marks_the_item(meeting, prod_liaison, add_item):
    before = live.revisions(meeting.id).revision
    item = add_item(meeting, prod_liaison)
    assert item.revision == before + 1
    changes = live.changes_since(meeting.id, before)
    assert not changes.layout and changes.new_items == [item] and changes.revision == before + 1
    services.update_item(viewer(prod_liaison, meeting), item, {"title": "新"}, item.version)
    changes = live.changes_since(meeting.id, before + 1)
    assert not changes.layout and [i.id for i in changes.items] == [item.id]
    assert live.changes_since(meeting.id, changes.revision) is None


def test_what_changed_is_one_query(meeting, count_queries):
    revision = live.revisions(meeting.id).revision
    with count_queries() as counter:
        assert live.changes_since(meeting.id, revision) is None
    assert counter.count == 1


def test_presence_names_liaisons_seen_in_the_last_seconds_and_counts_the_rest(meeting, prod_liaison, hr_liaison,
                                                                               office_user):
    live.touch(meeting.id, prod_liaison)
    live.touch(meeting.id, prod_liaison)
    live.touch(meeting.id, office_user)
    audience = live.present(meeting.id)
    assert [u.id for u in audience.liaisons] == [prod_liaison.id] and audience.others == 1
    db.session.get(Presence, (meeting.id, prod_liaison.id)).seen_at -= live.PRESENCE_WINDOW * 2
    db.session.commit()
    assert live.present(meeting.id).liaisons == []


def test_status_moves_follow_the_table(meeting, office_user, prod_liaison):
    with pytest.raises(services.MeetingError):
        closing.change_status(viewer(prod_liaison, meeting), "start")
    closing.change_status(viewer(office_user, meeting), "start")
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.IN_PROGRESS
    with pytest.raises(services.MeetingError):
        closing.change_status(viewer(office_user, meeting), "start")


def close(office_user, meeting):
    closing.change_status(viewer(office_user, meeting), "close", attendance_accepted=True)


def test_closing_moves_undiscussed_items_on_and_tells_every_liaison(app, thursday_meeting, office_user, prod_liaison,
                                                                     hr_liaison, add_item):
    meeting = thursday_meeting
    discussed = add_item(meeting, prod_liaison, title="讨论过")
    services.record_outcome(viewer(office_user, meeting), discussed, "好", "办", "discussed", discussed.version)
    add_item(meeting, prod_liaison, title="没讨论")
    close(office_user, meeting)
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.CLOSED
    following = db.session.scalar(select(Meeting).where(Meeting.id != meeting.id))
    carried = queries.agenda(following)
    assert [i.title for i in carried] == ["没讨论"] and carried[0].carried_from_id is not None
    assert db.session.get(AgendaItem, carried[0].carried_from_id).status == ItemStatus.CARRIED
    start = to_local(db.session.get(Meeting, meeting.id).starts_at)
    assert to_local(following.starts_at) == start + timedelta(days=7)
    told = {n.user_id: n.link for n in db.session.scalars(select(Notification))}
    assert set(told) == {prod_liaison.id, hr_liaison.id}
    assert told[prod_liaison.id] == f"/meetings/{meeting.id}/minutes"


def test_a_closed_meeting_cannot_be_edited(app, meeting, office_user, prod_liaison, add_item):
    item = add_item(meeting, prod_liaison)
    close(office_user, meeting)
    closed = db.session.get(Meeting, meeting.id)
    with pytest.raises(services.MeetingError):
        services.update_item(services.Viewer(prod_liaison, closed), item, {"title": "晚了"}, item.version)
    with pytest.raises(services.MeetingError):
        add_item(closed, prod_liaison)


def test_carry_over_across_three_meetings(app, make_meeting, office_user, prod_liaison, hr_liaison, add_item, assign):
    """An unaccepted action item shows up at every later meeting until accepted; undiscussed items travel on."""
    first = make_meeting(days=1)
    hiring = add_item(first, prod_liaison, title="招聘")
    services.record_outcome(viewer(office_user, first), hiring, "HR 招", "", "discussed", hiring.version)
    action = assign(office_user, db.session.get(AgendaItem, hiring.id), hr_liaison)
    add_item(first, prod_liaison, title="一直没讨论")
    close(office_user, first)

    second = db.session.scalar(select(Meeting).where(Meeting.status != MeetingStatus.CLOSED))
    assert [a.id for a in queries.followups(second)] == [action.id]
    assert [i.title for i in queries.agenda(second)] == ["一直没讨论"]
    actions.make_move(hr_liaison, action, "progress", "已发布招聘启事", action.version)
    close(office_user, second)

    third = db.session.scalar(select(Meeting).where(Meeting.status != MeetingStatus.CLOSED))
    assert third.starts_at > second.starts_at
    followups = queries.followups(third)
    assert [a.id for a in followups] == [action.id] and followups[0].state == STARTED
    assert [e.note for e in followups[0].events][-1] == "已发布招聘启事"
    assert [i.title for i in queries.agenda(third)] == ["一直没讨论"]
    # The second meeting's minutes keep the follow-up as it stood then.
    reviews = db.session.scalars(select(FollowupReview).where(FollowupReview.meeting_id == second.id)
                                 .order_by(FollowupReview.id)).all()
    assert [(r.action_id, r.state) for r in reviews] == [(action.id, STARTED)]

    current = db.session.get(type(action), action.id)
    actions.make_move(hr_liaison, current, "done", "20人已到岗", current.version)
    current = db.session.get(type(action), action.id)
    actions.make_move(office_user, current, "accept", "", current.version)
    assert queries.followups(db.session.get(Meeting, third.id)) == []
    assert [a.id for a in queries.followups(db.session.get(Meeting, second.id))] == [action.id]


def test_action_item_state_machine(app, meeting, office_user, prod_liaison, hr_liaison, make_user, add_item, assign):
    item = add_item(meeting, prod_liaison)
    owner = make_user(department=hr_liaison.department, name="HR clerk")
    action = assign(office_user, item, owner)

    def move(user, name, note=""):
        current = db.session.get(type(action), action.id)
        actions.make_move(user, current, name, note, current.version)
        return db.session.get(type(action), action.id)

    with pytest.raises(services.MeetingError):
        move(prod_liaison, "start")          # another department's liaison
    with pytest.raises(services.MeetingError):
        move(office_user, "accept")          # not done yet
    with pytest.raises(services.MeetingError):
        move(owner, "done")                  # a note is required
    assert move(owner, "start").state == STARTED
    assert move(hr_liaison, "done", "完成").state == DONE
    with pytest.raises(services.MeetingError):
        move(owner, "accept")                # only the office accepts
    with pytest.raises(services.MeetingError):
        move(office_user, "send_back")       # needs a reason
    assert move(office_user, "send_back", "缺培训记录").state == STARTED
    move(owner, "done", "补上了")
    accepted = move(office_user, "accept")
    assert accepted.state == ACCEPTED and accepted.accepted_at is not None
    assert [e.to_state for e in accepted.events] == ["open", STARTED, DONE, STARTED, DONE, ACCEPTED]


def test_action_item_moves_check_the_version(app, meeting, office_user, prod_liaison, hr_liaison, add_item, assign):
    action = assign(office_user, add_item(meeting, prod_liaison), hr_liaison)
    stale = action.version
    actions.make_move(hr_liaison, action, "start", "", stale)
    with pytest.raises(services.MeetingConflict) as caught:
        actions.make_move(hr_liaison, db.session.get(type(action), action.id), "progress", "x", stale)
    assert caught.value.current.state == STARTED
    with force_locale("en"):
        assert "Someone else moved this action item first; it is now: in progress" in str(caught.value)


@pytest.mark.parametrize("change, message", [
    ({"deadline_days": -1}, "past"),
    ({"acceptance": "   "}, "check"),
])
def test_action_item_bad_input(app, meeting, office_user, prod_liaison, hr_liaison, add_item, change, message):
    item = add_item(meeting, prod_liaison)
    with pytest.raises(services.MeetingError) as caught:
        actions.add_action(viewer(office_user, meeting), item, task="t", owner_id=hr_liaison.id,
                           deadline=today() + timedelta(days=change.get("deadline_days", 3)),
                           acceptance=change.get("acceptance", "ok"))
    with force_locale("en"):
        assert message in str(caught.value)


def test_an_owner_must_belong_to_a_department(app, meeting, office_user, prod_liaison, make_user, add_item):
    loner = make_user(name="No Department")
    with pytest.raises(services.MeetingError) as caught:
        actions.add_action(viewer(office_user, meeting), add_item(meeting, prod_liaison), task="t",
                           owner_id=loner.id, deadline=today(), acceptance="ok")
    with force_locale("en"):
        assert "no department" in str(caught.value)


def test_assigning_tells_the_owner_and_their_liaison(app, meeting, office_user, prod_liaison, hr_liaison, make_user,
                                                     add_item, assign):
    owner = make_user(department=hr_liaison.department)
    action = assign(office_user, add_item(meeting, prod_liaison), owner)
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told == {owner.id, hr_liaison.id}
    assert action.department_id == hr_liaison.department_id


def test_overdue_reminder_is_sent_once_to_the_owner_and_their_liaison(app, meeting, office_user, prod_liaison,
                                                                       hr_liaison, make_user, add_item, assign):
    app.config["CALENDAR_WORKING_DAYS"] = [today().isoformat()]  # whatever day the test runs
    owner = make_user(department=hr_liaison.department, name="HR Clerk")
    action = assign(office_user, add_item(meeting, prod_liaison), owner)
    action.deadline = today() - timedelta(days=2)
    db.session.commit()
    assigned = set(db.session.scalars(select(Notification.id)))  # "new action item for you", not reminders

    def reminders():
        return sorted((n.user_id, n.link) for n in db.session.scalars(select(Notification))
                      if n.id not in assigned)

    jobs.remind_overdue()  # no request here: `flask tick` runs it from cron
    link = f"/actions/{action.id}"
    assert reminders() == sorted([(owner.id, link), (hr_liaison.id, link)])
    jobs.remind_overdue()
    assert reminders() == sorted([(owner.id, link), (hr_liaison.id, link)])  # told once, not every run


def test_department_stats_count_open_overdue_and_accepted(app, meeting, office_user, prod_liaison, hr_liaison,
                                                          add_item, assign):
    item = add_item(meeting, prod_liaison)
    late = assign(office_user, item, hr_liaison, task="late")
    assign(office_user, item, hr_liaison, task="fine")
    late.deadline = today() - timedelta(days=1)
    waiting = assign(office_user, item, hr_liaison, task="done, awaiting acceptance")
    waiting.state = ActionState.DONE.value
    waiting.deadline = today() - timedelta(days=3)  # done: open until accepted, but not overdue
    accepted_now, accepted_long_ago = (assign(office_user, item, prod_liaison, task=t) for t in ("now", "old"))
    for action, when in ((accepted_now, utcnow()), (accepted_long_ago, utcnow() - timedelta(days=70))):
        action.state, action.accepted_at = ActionState.ACCEPTED.value, when
    db.session.commit()
    rows = {row["department"].code: (row["open"], row["overdue"], row["accepted"])
            for row in queries.department_stats()}
    assert rows == {"HR": (3, 1, 0), prod_liaison.department.code: (0, 0, 1)}


def test_what_changed_queries_use_indexes(meeting):
    """The poll's check is a primary-key lookup; the changed items come from the (meeting_id, revision) index."""
    check = select(Meeting.revision, Meeting.layout_revision, Meeting.followup_revision).where(Meeting.id == meeting.id)
    items = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id, AgendaItem.revision > 1,
                                        AgendaItem.revision <= 5)
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        plans = [" ".join(str(row[-1]) for row in connection.execute(
            text("EXPLAIN QUERY PLAN " + str(q.compile(compile_kwargs={"literal_binds": True})))))
            for q in (check, items)]
        assert "INTEGER PRIMARY KEY" in plans[0]
        assert "ix_meeting_items_meeting_id_revision" in plans[1]
    else:
        connection.execute(text("SET LOCAL enable_seqscan = off"))  # tiny test tables: ask whether an index fits
        plans = [" ".join(row[0] for row in connection.execute(
            text("EXPLAIN " + str(q.compile(compile_kwargs={"literal_binds": True}))))) for q in (check, items)]
        assert "pk_meetings" in plans[0]
        # On empty tables PostgreSQL may pick either (meeting_id, …) index; neither reads the table.
        assert "Index" in plans[1] and "Seq Scan" not in plans[1]


def test_an_item_that_got_an_action_item_is_discussed_and_not_carried_over(app, meeting, office_user, prod_liaison,
                                                                           hr_liaison, add_item, assign):
    handed_out = add_item(meeting, prod_liaison, title="派了任务")
    add_item(meeting, prod_liaison, title="没讨论")
    before = live.revisions(meeting.id).revision
    assign(office_user, handed_out, hr_liaison)
    assert db.session.get(AgendaItem, handed_out.id).status == ItemStatus.DISCUSSED
    # Open screens redraw the item with its new status.
    assert [i.id for i in live.changes_since(meeting.id, before).items] == [handed_out.id]
    close(office_user, meeting)
    following = db.session.scalar(select(Meeting).where(Meeting.id != meeting.id))
    assert [i.title for i in queries.agenda(following)] == ["没讨论"]
    assert db.session.get(AgendaItem, handed_out.id).status == ItemStatus.DISCUSSED


def test_an_item_with_action_items_cannot_go_back_to_not_discussed(app, meeting, office_user, prod_liaison,
                                                                   hr_liaison, add_item, assign):
    item = add_item(meeting, prod_liaison)
    assign(office_user, item, hr_liaison)
    item = db.session.get(AgendaItem, item.id)
    with pytest.raises(services.MeetingError) as caught:
        services.record_outcome(viewer(office_user, meeting), item, "再议", "", ItemStatus.OPEN, item.outcome_version)
    with force_locale("en"):
        assert "has action items" in str(caught.value)
    assert db.session.get(AgendaItem, item.id).status == ItemStatus.DISCUSSED


def test_an_outcome_and_an_item_edit_never_conflict(meeting, office_user, prod_liaison, add_item):
    """Different forms, different people: the outcome (office) and the text (liaison) keep separate versions."""
    item = add_item(meeting, prod_liaison, title="原标题")
    text_read, outcome_read = item.version, item.outcome_version
    services.record_outcome(viewer(office_user, meeting), item, "HR 负责", "批准", "discussed", outcome_read)
    services.update_item(viewer(prod_liaison, meeting), db.session.get(AgendaItem, item.id), {"title": "新标题"},
                         text_read)
    stored = db.session.get(AgendaItem, item.id)
    assert (stored.title, stored.outcome, stored.status) == ("新标题", "HR 负责", ItemStatus.DISCUSSED)
    # Each form still detects its own kind of conflict.
    with pytest.raises(services.MeetingConflict):
        services.record_outcome(viewer(office_user, meeting), stored, "别的", "", "discussed", outcome_read)
    with pytest.raises(services.MeetingConflict):
        services.update_item(viewer(prod_liaison, meeting), stored, {"title": "再改"}, text_read)


def test_moving_an_item_to_another_department_redraws_the_agenda(meeting, office_user, prod_liaison, hr, add_item):
    item = add_item(meeting, prod_liaison, minutes_budget=10)
    before = live.revisions(meeting.id).revision
    services.update_item(viewer(office_user, meeting), item,
                         {"minutes_budget": 15, "department_id": item.department_id}, item.version)
    assert not live.changes_since(meeting.id, before).layout  # same department: only the item is redrawn
    item = db.session.get(AgendaItem, item.id)
    services.update_item(viewer(office_user, meeting), item, {"department_id": hr.id}, item.version)
    assert live.changes_since(meeting.id, before + 1).layout  # grouped screens must regroup


def test_budget_totals_per_department(meeting, prod_liaison, hr_liaison, add_item):
    add_item(meeting, prod_liaison, minutes_budget=10)
    add_item(meeting, prod_liaison)
    add_item(meeting, hr_liaison, minutes_budget=5)
    budget = queries.budget(db.session.get(Meeting, meeting.id))
    assert (budget.count, budget.minutes) == (3, 15)
    assert budget.by_department == {prod_liaison.department_id: 10, hr_liaison.department_id: 5}
    assert queries.Budget.of(queries.agenda(db.session.get(Meeting, meeting.id))) == budget


def test_closing_freezes_action_states_and_attendance_with_liaison_names(app, meeting, office_user, prod_liaison,
                                                                         hr_liaison, make_department, make_user,
                                                                         add_item, assign):
    action = assign(office_user, add_item(meeting, prod_liaison), hr_liaison)
    attendance.record_attendance(viewer(office_user, meeting), {prod_liaison.department_id: ("present", "")})
    close(office_user, meeting)
    # Afterwards: the action item moves on, the liaison changes, a department comes and one goes.
    actions.make_move(hr_liaison, action, "start", "", action.version)
    set_active(prod_liaison, False)
    make_user(Role.LIAISON, department=prod_liaison.department, name="New Prod Liaison")
    make_department("NEW", "新部门", "New department")
    hr_liaison.department.active = False
    db.session.commit()

    closed = db.session.get(Meeting, meeting.id)
    assert db.session.get(type(action), action.id).minutes_state == "open"
    lines = [(a.department.code, a.liaison, a.record.status) for a in attendance.attendees(closed)]
    assert lines == [("HR", "HR Liaison", "absent"), ("OFFICE", "", "absent"), ("PROD", "Prod Liaison", "present")]


def test_an_item_added_while_a_screen_is_drawn_reaches_it_once(app, meeting, prod_liaison, office_user,
                                                               add_item):
    """A screen is drawn at the revision it read first; an item committed between that read and the drawing
    of the agenda (another liaison's add, a moment later on a busy server) comes with the next poll, which
    appends it, and is not drawn as well: the screen showed it twice."""
    add_item(meeting, prod_liaison, title="一")
    drawn_at = live.revisions(meeting.id).revision
    late = add_item(meeting, prod_liaison, title="二 临时加的 🆕")
    with app.test_request_context(f"/meetings/{meeting.id}"):
        context = views.live_context(viewer(office_user, meeting), revision=drawn_at)
    assert [i.title for i in context["items"]] == ["一"]
    assert context["agenda_more"] is None  # no "show more" for an item the poll brings
    assert [i.id for i in live.changes_since(meeting.id, drawn_at).new_items] == [late.id]
