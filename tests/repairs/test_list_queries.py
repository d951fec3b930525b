"""The lists reshaped to read indexes (issue #12) show exactly what they showed before."""
import re
from datetime import timedelta

from sqlalchemy import or_, select

from app.auth.roles import Role
from app.extensions import db
from app.repairs import queries, services, workflow
from app.repairs.models import RepairEvent
from app.timeutil import utcnow


def test_closed_requests_by_category_page_newest_closed_first(client, login_as, make_repair, make_user):
    login_as(Role.OFFICE)
    start = utcnow() - timedelta(days=60)
    for n in range(30):  # filed in order, closed three hours later each (conftest): newest closed = newest filed
        make_repair(status="confirmed", created_at=start + timedelta(hours=n),
                    requester=make_user(name=f"Person {n:02d}"), description=f"closed no. {n:02d}")
    make_repair(status="confirmed", category="electrical", description="closed spark")
    first = client.get("/repairs/board?category=hvac").get_data(True)
    second = client.get("/repairs/board?category=hvac&page=2").get_data(True)
    shown = re.findall(r"closed no\. (\d\d)", first) + re.findall(r"closed no\. (\d\d)", second)
    assert shown == [f"{n:02d}" for n in reversed(range(30))]  # newest first, each once, across both pages
    assert "Page 1 of 2" in first and "Page 2 of 2" in second and "closed spark" not in first + second
    assert "Person 29" in first  # the rows come with their people


def test_a_closed_page_past_the_end_shows_the_last_page(client, login_as, make_repair, make_user):
    """A link kept from a longer list (page 7 of a list that now has 2) shows page 2, with its pager, not
    "nothing here" of a list that has closed requests."""
    login_as(Role.OFFICE)
    start = utcnow() - timedelta(days=60)
    for n in range(30):
        make_repair(status="confirmed", created_at=start + timedelta(hours=n), description=f"closed no. {n:02d}")
    last = client.get("/repairs/board?category=hvac&page=2").get_data(True)
    past = client.get("/repairs/board?category=hvac&page=7").get_data(True)
    assert "Page 2 of 2" in past
    assert re.findall(r"closed no\. (\d\d)", past) == re.findall(r"closed no\. (\d\d)", last) != []


def _newest_news_one_condition(user, filters) -> int:
    """The queue's cursor as first written: one condition, the newest matching event."""
    query = (select(RepairEvent.id).join(queries.R, queries.R.id == RepairEvent.repair_id)
             .where(or_(RepairEvent.actor_id.is_(None), RepairEvent.actor_id != user.id),
                    or_(queries._in_queue(user), RepairEvent.kind.in_(queries.LEAVES_THE_POOL))))
    return db.session.scalar(filters.apply(query).order_by(RepairEvent.id.desc()).limit(1)) or 0


def test_the_queue_cursor_is_the_newest_news_whatever_came_last(app, make_user, make_repair):
    tech, colleague = make_user(Role.MAINTENANCE), make_user(Role.MAINTENANCE)
    pooled, taken, other = make_repair(), make_repair(category="electrical"), make_repair(category="plumbing")
    everyone = queries.Filters()
    by_category = queries.Filters(category="electrical")
    steps = [(taken, colleague, "take"), (taken, colleague, "start"), (other, tech, "take"),
             (pooled, pooled.requester, "cancel")]
    for repair, actor, action in steps:
        with app.test_request_context():
            services.act(repair, actor, action, version=repair.version)
        for filters in (everyone, by_category, queries.Filters(category="plumbing")):
            assert queries.queue_cursor(tech, filters) == _newest_news_one_condition(tech, filters)
    assert queries.queue_cursor(tech, everyone) > 0


def test_a_filtered_queue_shows_the_unassigned_and_my_jobs_of_that_kind(client, login_as, make_user, make_repair):
    """Category and urgency set (the queue's ids now come from its two indexed branches): the pool's and my own
    matching open jobs, each once; not a colleague's job, another kind or urgency, or my closed one."""
    tech = login_as(Role.MAINTENANCE)
    colleague = make_user(Role.MAINTENANCE)
    make_repair(category="electrical", urgency="urgent", description="pool spark")
    make_repair(category="electrical", urgency="urgent", status="in_progress", assignee=tech, description="my spark")
    make_repair(category="electrical", urgency="urgent", status="assigned", assignee=colleague, description="theirs")
    make_repair(category="electrical", urgency="normal", description="pool slow")
    make_repair(category="plumbing", urgency="urgent", description="pool leak")
    make_repair(category="electrical", urgency="urgent", status="confirmed", assignee=tech, description="my old")
    page = client.get("/repairs/queue?category=electrical&urgency=urgent").get_data(True)
    shown = re.findall(r"pool spark|my spark|theirs|pool slow|pool leak|my old", page)
    assert sorted(shown) == ["my spark", "pool spark"]


def test_a_list_row_read_as_plain_columns_draws_what_the_request_itself_draws(app, make_user, make_repair,
                                                                                make_equipment):
    """The board and the queue read their rows as columns (queries.list_rows); each row's summary (place and
    equipment, people, badges, clocks, thumbnail) and a technician's queue steps are the ones the request
    itself gives, whatever its status."""
    from flask import render_template_string
    from flask_login import login_user

    from app.forms import Kept
    from app.repairs.models import RepairPhoto

    overdue = make_repair(urgency="emergency", created_at=utcnow() - timedelta(days=3))
    tech = make_user(Role.MAINTENANCE)
    with_all = make_repair(status="in_progress", equipment=make_equipment(), requester=make_user(name="王 <Ann>"),
                           assignee=tech)
    with_all.photos += [RepairPhoto(uploaded_by_id=with_all.requester_id, name=f"p{n}.jpg", thumb_name=f"t{n}.jpg")
                        for n in range(2)]
    waiting, closed = make_repair(status="waiting"), make_repair(status="confirmed")
    db.session.commit()
    repairs = [overdue, with_all, waiting, closed]
    draw = ('{% from "repairs/_macros.html" import summary %}{% for r in rows %}{{ r.is_overdue(now) }}'
            '{{ summary(r, now) }}{{ r.closed_at|local_time }}{% endfor %}')
    now = utcnow()
    steps = ('{% from "repairs/_queue_macros.html" import queue_row %}{% for r in rows %}'
             '{{ queue_row(r, allowed_actions(me, r), now, repair_row_texts(), kept) }}{% endfor %}')
    with app.test_request_context():
        login_user(tech)
        plain = queries.list_rows([repair.id for repair in repairs])
        assert [row.id for row in plain] == [repair.id for repair in repairs]
        assert render_template_string(draw, rows=plain, now=now) == render_template_string(draw, rows=repairs, now=now)
        assert "Overdue" in render_template_string(draw, rows=plain[:1], now=now)
        queue = {"now": now, "me": tech, "allowed_actions": workflow.allowed_actions, "kept": Kept()}
        drawn = render_template_string(steps, rows=plain, **queue)
        assert drawn == render_template_string(steps, rows=repairs, **queue)
        assert f'name="version" value="{with_all.version}"' in drawn and "What was done" in drawn


def test_the_board_filter_lists_active_places_by_label_with_the_chosen_one_selected(client, login_as, make_location):
    lab = make_location(building="研发楼", floor="3F", room="Lab <302>")
    hall = make_location(building="Hall & Co", floor="")  # no floor: left out of the label
    closed = make_location(building="Old wing", active=False)
    login_as(Role.OFFICE)
    page = client.get(f"/repairs/board?location={lab.id}").get_data(True)
    assert f'<option value="{lab.id}" selected>研发楼 · 3F · Lab &lt;302&gt;</option>' in page
    assert f'<option value="{hall.id}">Hall &amp; Co · 实验室 302</option>' in page
    assert f'value="{closed.id}"' not in page


def test_equipment_summary_counts_and_times_in_the_database(app, make_equipment, make_repair):
    """The equipment page's figures, worked out by the database from the stored times to done, are those of the
    requests' own spans: whole spans read as themselves (no julianday noise at a unit's edge)."""
    equipment = make_equipment()
    assert queries.equipment_summary(equipment.id) == {"count": 0, "fixed": 0, "average": None, "longest": None}
    quick, slow = (make_repair(equipment=equipment, status="confirmed") for _ in range(2))
    slow.done_at = slow.created_at + timedelta(hours=5, minutes=30)
    db.session.commit()
    make_repair(equipment=equipment)
    make_repair(status="confirmed")  # other equipment
    assert queries.equipment_summary(equipment.id) == {
        "count": 3, "fixed": 2, "average": timedelta(hours=3, minutes=45), "longest": timedelta(hours=5, minutes=30)}
    assert quick.done_at - quick.created_at == timedelta(hours=2)
