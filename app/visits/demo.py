"""The demo visits for `flask seed-demo`: meeting rooms and a few visits around today for the demo users."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.timeutil import day_bounds, to_local, to_utc, today, utcnow

from . import services
from .models import Room, Visit

# What reception needs at the door of the VIP visit: the cars for the gate and a word on the guests.
DEMO_VIP_EXTRAS = {
    "licence_plates": "粤B·D12345, 粤B·8K888",
    "reception_note": "张总喜欢绿茶 Mr Zhang prefers green tea; reserve the two parking places at gate 2.",
}
DEMO_ROOMS = ["301 大会议室 Board room", "302 小会议室 Small meeting room", "展厅 Showroom"]


def _demo(login: str) -> User | None:
    return db.session.scalar(select(User).where(User.login == login))


def seed_demo_visits() -> None:
    """Rooms and a few visits around today; the checklist templates are reference data, seeded before."""
    for name in DEMO_ROOMS:
        if not db.session.scalar(select(Room).where(Room.name == name)):
            db.session.add(Room(name=name))
    db.session.commit()
    office, host, reception = _demo("office"), _demo("employee"), _demo("reception")
    if not (office and host and reception) or db.session.scalar(select(Visit.id).limit(1)):
        return
    rooms = [db.session.scalar(select(Room).where(Room.name == name)) for name in DEMO_ROOMS]
    now = utcnow().replace(second=0, microsecond=0)
    tomorrow_ten = to_utc(to_local(now).replace(tzinfo=None, hour=10, minute=0) + timedelta(days=1))
    # Today's two visits stay on today's board even when the demo is seeded late in the evening.
    last_today = day_bounds(today())[1] - timedelta(minutes=5)
    plans = [
        ("华为技术有限公司 Huawei", "张伟\n李娜", "customer", min(now + timedelta(minutes=10), last_today), 3, rooms[0],
         True),
        ("西门子 Siemens", "Anna Schmidt", "supplier", min(now + timedelta(hours=2), last_today), 2, rooms[1], False),
        ("博世 Bosch", "王强\nMarkus Weber\n刘洋", "audit", tomorrow_ten, 6, rooms[0], False),
    ]
    for organisation, names, kind, arrival, hours, room, vip in plans:
        services.create_visit(reception, services.VisitData(
            organisation=organisation, visitor_names=names, visitor_count=len(names.splitlines()),
            purpose="产品介绍与合作洽谈 Product introduction", visit_type=kind, host_id=host.id,
            expected_arrival=arrival, expected_departure=arrival + timedelta(hours=hours),
            room_id=room.id, meals_count=len(names.splitlines()) + 1, vip=vip, owner_id=office.id,
            **(DEMO_VIP_EXTRAS if vip else {})))
    services.create_visit(host, services.VisitData(
        organisation="宁德时代 CATL", visitor_names="陈静", visitor_count=1, purpose="技术交流 Technical exchange",
        visit_type="customer", host_id=host.id, expected_arrival=tomorrow_ten + timedelta(days=6),
        expected_departure=tomorrow_ten + timedelta(days=6, hours=2), room_text="研发楼 R&D lab"))
