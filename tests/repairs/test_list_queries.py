"""The lists reshaped to read indexes (issue #12) show exactly what they showed before."""
import re
from datetime import timedelta

from sqlalchemy import or_, select

from app.auth.roles import Role
from app.extensions import db
from app.repairs import queries, services
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
