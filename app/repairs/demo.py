"""Demo places and equipment for `flask seed-demo`, so QR labels and filing work out of the box."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.services import find_by_login
from app.extensions import db
from app.timeutil import today, utcnow

from . import sla
from .models import DutyShift, Equipment, EventKind, Location, RepairEvent, RepairRequest, Shift, Urgency
from .workflow import Status

DEMO_PLACES = [
    ("研发楼 R&D building", "3F", "实验室 Lab 302", [
        ("实验室空调 Lab air conditioner", "AC-302-01", "hvac"),
        ("通风柜 Fume hood", "LAB-302-02", "lab")]),
    ("办公楼 Office building", "2F", "会议室 Meeting room 201", [
        ("投影仪 Projector", "IT-201-01", "it")]),
    ("生产车间 Workshop 1", "1F", "A线 Line A", [
        ("传送带 Conveyor", "PROD-A-01", "electrical")]),
    ("食堂 Canteen", "1F", "厨房 Kitchen", []),
]


def seed_demo() -> None:
    """Demo places, equipment with a fault history, and a week of roster, once (an empty places table)."""
    if db.session.scalar(select(Location.id).limit(1)):
        return
    equipment = {}
    for building, floor, room, items in DEMO_PLACES:
        location = Location(building=building, floor=floor, room=room)
        db.session.add(location)
        for name, number, category in items:
            equipment[number] = Equipment(name=name, asset_number=number, location=location, category=category)
            db.session.add(equipment[number])
    maint, employee = find_by_login("maint"), find_by_login("employee")
    if maint and employee:
        _history(equipment["IT-201-01"], employee, maint)
        first = today()
        db.session.add_all([DutyShift(day=first + timedelta(days=n), shift=shift, user_id=maint.id)
                            for n in range(7) for shift in Shift])
    db.session.commit()


def _history(item, requester, technician) -> None:
    """Two past projector faults, so the equipment page shows a history."""
    for days_ago, text in ((40, "投影仪不亮 The projector shows no picture"), (12, "投影仪闪烁 It flickers")):
        filed = utcnow() - timedelta(days=days_ago)
        response_due, fix_due = sla.due_times(Urgency.NORMAL, filed)
        repair = RepairRequest(requester=requester, assignee=technician, location=item.location, equipment=item,
                               category=item.category, urgency=Urgency.NORMAL, description=text,
                               status=Status.CONFIRMED,
                               created_at=filed, response_due=response_due, fix_due=fix_due,
                               responded_at=filed + timedelta(hours=1), started_at=filed + timedelta(hours=2),
                               done_at=filed + timedelta(hours=5), closed_at=filed + timedelta(days=1),
                               work_notes="更换灯泡 Replaced the lamp")
        db.session.add(repair)
        db.session.add(RepairEvent(repair=repair, actor_id=requester.id, kind=EventKind.SUBMITTED,
                                   status=Status.SUBMITTED, note=text, created_at=filed))
