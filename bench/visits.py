"""Visitor reception volume: 20,000 visits over a year, each with its copied checklist."""
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from app.auth.models import User
from app.timeutil import utcnow
from app.visits import checklist
from app.visits.models import Room, Visit, VisitStep

from .pages import GenContext, Page

PAGES = [
    Page("visits: front-desk board", "reception", "/visits/today"),
    Page("visits: register", "reception", "/visits/register"),
    Page("visits: register search", "office", "/visits/register?q=%E5%8D%8E"),
    Page("visits: register page 50", "office", "/visits/register?page=50"),
    Page("visits: my visits (office)", "office", "/visits/"),
    Page("visits: my visits (employee)", "employee", "/visits/"),
    Page("visits: visit page", "office", "/visits/1"),
    Page("visits: plan a visit (form)", "office", "/visits/new"),
]

ORGANISATIONS = ["华为技术有限公司", "比亚迪股份", "宁德时代", "西门子 Siemens", "博世 Bosch", "海尔集团", "美的集团",
                 "中国移动", "Tesla 特斯拉", "联想集团", "京东方", "ABB 中国", "中车集团", "格力电器", "小米科技"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "Anna", "Peter"]
PURPOSES = ["产品介绍与合作洽谈", "供应商审核", "质量体系审核", "技术交流", "参观生产线", "面试 Interview",
            "年度商务会谈"]
TYPES = ["customer"] * 6 + ["supplier"] * 2 + ["audit", "interview", "other"]
AHEAD_AT_LEAST = 2  # days: the rest of today and all of tomorrow, as the front desk shows them


def _names(ctx: GenContext, count: int) -> str:
    return "\n".join(ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN) for _ in range(count))


def _visit_row(ctx: GenContext, n: int, now, hosts, rooms, owner_id) -> dict:
    # A year of visits, 35 days of them still ahead, and at a smaller scale at least today's and tomorrow's (at
    # 1% the same share, 8 hours, left the front desk's today half empty and its tomorrow empty).
    arrival = now + timedelta(days=max(35 * ctx.scale, AHEAD_AT_LEAST)) - ctx.ago()
    arrival = arrival.replace(minute=arrival.minute // 15 * 15, second=0, microsecond=0)
    departure = arrival + timedelta(hours=ctx.rng.choice([1, 2, 3, 4, 6]))
    host_id, department_id = ctx.rng.choice(hosts)
    count = ctx.rng.randint(1, 6)
    if departure < now:
        status = "cancelled" if ctx.rng.random() < 0.05 else "completed"
    elif arrival < now:
        status = "in_progress"
    else:
        status = "requested" if ctx.rng.random() < 0.1 else "planned"
    done = status == "completed"
    return {
        "status": status, "visit_type": ctx.rng.choice(TYPES), "organisation": ctx.rng.choice(ORGANISATIONS),
        "visitor_names": _names(ctx, count), "visitor_count": count, "lead_phone": f"138{n:08d}",
        "purpose": ctx.rng.choice(PURPOSES), "host_department_id": department_id, "host_id": host_id,
        "owner_id": None if status == "requested" else owner_id, "requested_by_id": host_id,
        "expected_arrival": arrival, "expected_departure": departure,
        "room_id": ctx.rng.choice(rooms) if rooms and ctx.rng.random() < 0.8 else None,
        "room_text": "", "meals_count": count if ctx.rng.random() < 0.5 else 0, "dietary_notes": "",
        "materials": "", "licence_plates": "", "vip": ctx.rng.random() < 0.1, "reception_note": "",
        "arrived_at": arrival if status in ("completed", "in_progress") else None,
        "departed_at": departure if done else None, "cancel_reason": "客户改期" if status == "cancelled" else "",
        "created_at": arrival - timedelta(days=3), "updated_at": arrival, "version": 1,
    }


def generate(ctx: GenContext) -> None:
    checklist.seed_templates()
    templates = {t.visit_type: t.steps for t in checklist.all_templates()}
    hosts = [tuple(row) for row in ctx.session.execute(select(User.id, User.department_id).limit(400))]
    rooms = list(ctx.session.scalars(select(Room.id)))
    owner_id = ctx.users["office"].id
    now = utcnow()
    first_id = (ctx.session.scalar(select(func.max(Visit.id))) or 0) + 1
    rows = [{"id": first_id + n, **_visit_row(ctx, n, now, hosts, rooms, owner_id)}
            for n in range(ctx.count(20000))]
    # Ids given up front: an INSERT … RETURNING per batch is several times slower than a plain executemany.
    ctx.session.execute(insert(Visit), rows)
    if ctx.session.get_bind().dialect.name == "postgresql":
        ctx.session.execute(text("SELECT setval(pg_get_serial_sequence('visits', 'id'), (SELECT max(id) FROM visits))"))
    steps = []
    for row in rows:
        visit_id = row["id"]
        done = row["status"] == "completed"
        for s in templates[row["visit_type"]]:
            anchor = row["expected_departure"] if s.anchor == "departure" else row["expected_arrival"]
            steps.append({"visit_id": visit_id, "position": s.position, "title": s.title,
                          "description": s.description, "responsible": s.responsible, "anchor": s.anchor,
                          "offset_minutes": s.offset_minutes,
                          "due_at": checklist.due_time(anchor, s.offset_minutes),
                          "state": "done" if done else "open", "done_by_id": owner_id if done else None,
                          "done_at": anchor if done else None, "note": "", "skip_reason": "", "version": 1})
    for start in range(0, len(steps), 20000):
        ctx.session.execute(insert(VisitStep), steps[start:start + 20000])
