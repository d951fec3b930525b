"""Repair volume: 50,000 requests over a year on 300 locations and 2,000 pieces of equipment, with timelines."""
from datetime import timedelta

from sqlalchemy import insert, select, text

from app.auth.models import User
from app.repairs import sla
from app.repairs.models import Category, Equipment, Location, RepairEvent, RepairRequest
from app.timeutil import utcnow

from .pages import GenContext, Page

PAGES = [
    Page("repairs: board", "office", "/repairs/board"),
    Page("repairs: board filtered, closed page 20", "office", "/repairs/board?category=hvac&page=20"),
    Page("repairs: queue", "maint", "/repairs/queue"),
    Page("repairs: queue filtered", "maint", "/repairs/queue?category=electrical&urgency=urgent"),
    Page("repairs: mine", "employee", "/repairs/"),
    Page("repairs: equipment history", "maint", "/repairs/equipment/1"),
    Page("repairs: equipment list", "office", "/repairs/equipment?q=AC"),
    Page("home with repairs card (office)", "office", "/", touch="repairs"),
]
BUILDINGS = ["研发楼 R&D building", "办公楼 Office building", "生产车间 Workshop 1", "生产车间 Workshop 2",
             "仓库 Warehouse", "食堂 Canteen"]
FAULTS = ["空调不制冷", "灯管闪烁", "水龙头漏水", "网络断开", "椅子坏了", "通风柜报警", "插座没电", "投影仪不亮",
          "门锁打不开", "下水道堵塞", "the fridge is noisy", "printer jams 🖨️"]
# share of requests still open, per status; the rest are closed
OPEN_SHARES = [("submitted", 0.006), ("assigned", 0.004), ("in_progress", 0.006), ("waiting", 0.002), ("done", 0.004)]


def _places(ctx: GenContext) -> list[tuple[int, int, str]]:
    ctx.session.execute(insert(Location), [
        {"building": b, "floor": f"{floor}F", "room": f"{floor}{room:02d}", "active": True}
        for b in BUILDINGS for floor in range(1, 6) for room in range(1, 11)][:300])
    locations = list(ctx.session.scalars(select(Location.id).where(Location.building.in_(BUILDINGS))))
    categories = [c.value for c in Category]
    ctx.session.execute(insert(Equipment), [
        {"name": f"设备 Device {n}", "asset_number": f"AC-B{n:05d}", "location_id": ctx.rng.choice(locations),
         "category": ctx.rng.choice(categories), "active": True} for n in range(2000)])
    return list(ctx.session.execute(select(Equipment.id, Equipment.location_id, Equipment.category)))


def _status(ctx: GenContext, created, now) -> str:
    roll, total = ctx.rng.random(), 0.0
    if now - created < timedelta(days=30):
        for status, share in OPEN_SHARES:
            total += share * 12  # what is still open was filed recently
            if roll < total:
                return status
    return "cancelled" if ctx.rng.random() < 0.05 else "confirmed"


def _row(ctx: GenContext, equipment, requesters, technicians, now) -> dict:
    equipment_id, location_id, category = equipment
    created = now - ctx.ago()
    urgency = ctx.rng.choices(["emergency", "urgent", "normal"], [0.05, 0.25, 0.7])[0]
    status = _status(ctx, created, now)
    response_due, fix_due = sla.due_times(urgency, created)
    taken = status not in ("submitted", "cancelled")
    done = created + timedelta(minutes=ctx.rng.randrange(30, 4000)) if status in ("done", "confirmed") else None
    return {"requester_id": ctx.rng.choice(requesters), "location_id": location_id,
            "equipment_id": equipment_id if ctx.rng.random() < 0.8 else None, "category": category,
            "urgency": urgency, "description": f"{ctx.rng.choice(FAULTS)} #{ctx.rng.randrange(10000)}",
            "phone": "", "status": status, "assignee_id": ctx.rng.choice(technicians) if taken else None,
            "created_at": created, "response_due": response_due, "fix_due": fix_due,
            "responded_at": created + timedelta(minutes=ctx.rng.randrange(5, 240)) if taken else None,
            "started_at": None, "waiting_since": now if status == "waiting" else None,
            "wait_reason": "parts" if status == "waiting" else "", "done_at": done,
            "closed_at": (done or created) + timedelta(days=1) if status in ("confirmed", "cancelled") else None,
            "escalated_at": None, "escalation_level": 0, "work_notes": "已处理 fixed" if done else "",
            "parts_used": "", "version": 1}


def generate(ctx: GenContext) -> None:
    equipment = _places(ctx)
    hot = ctx.session.execute(select(Equipment.id, Equipment.location_id, Equipment.category)
                              .where(Equipment.id == 1)).first()
    requesters = list(ctx.session.scalars(select(User.id).limit(1500))) + [ctx.users["employee"].id] * 30
    technicians = [ctx.users["maint"].id] * 3 + list(ctx.session.scalars(select(User.id).limit(12)))
    now = utcnow()
    rows = [_row(ctx, hot if hot and n % 200 == 0 else ctx.rng.choice(equipment), requesters, technicians, now)
            for n in range(ctx.count(50000))]
    for start in range(0, len(rows), 5000):
        ctx.session.execute(insert(RepairRequest), rows[start:start + 5000])
    ids = ctx.session.execute(select(RepairRequest.id, RepairRequest.requester_id, RepairRequest.created_at,
                                     RepairRequest.status)).all()
    events = [{"repair_id": i, "actor_id": who, "kind": "submitted", "status": "submitted", "note": "",
               "created_at": at} for i, who, at, _s in ids]
    events += [{"repair_id": i, "actor_id": None, "kind": "auto_confirmed", "status": s, "note": "",
                "created_at": at + timedelta(days=3)} for i, _w, at, s in ids if s == "confirmed"]
    for start in range(0, len(events), 10000):
        ctx.session.execute(insert(RepairEvent), events[start:start + 10000])
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Autovacuum would do this soon after a real import; without it the planner guesses on empty stats.
        ctx.session.execute(text("ANALYZE repair_requests"))
        ctx.session.execute(text("ANALYZE repair_events"))
