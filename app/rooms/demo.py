"""Demo rooms (with their place, seats and equipment) and a few bookings around today for `flask seed-demo`."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import Department, User
from app.extensions import db
from app.timeutil import to_utc, today

from . import services
from .models import Booking, Room

# name, English name, building, floor, seats, projector, video, whiteboard, needs approval
DEMO_ROOMS = [
    ("301 大会议室 Board room", "301 Board room", "行政楼 Admin building", "3F", 20, True, True, True, False),
    ("302 小会议室 Small meeting room", "302 Small meeting room", "行政楼 Admin building", "3F", 8, True, False, True,
     False),
    ("展厅 Showroom", "Showroom", "行政楼 Admin building", "1F", 30, True, False, False, True),
    ("205 洽谈室 Meeting corner", "205 Meeting corner", "研发楼 R&D building", "2F", 4, False, False, True, False),
    ("310 视频会议室 Video room", "310 Video room", "研发楼 R&D building", "3F", 10, True, True, False, False),
]
FIELDS = ("name_en", "building", "floor", "capacity", "projector", "video", "whiteboard", "needs_approval")


def _user(login: str) -> User | None:
    return db.session.scalar(select(User).where(User.login == login))


def seed_demo() -> None:
    for name, *values in DEMO_ROOMS:
        room = db.session.scalar(select(Room).where(Room.name == name)) or Room(name=name)
        for field, value in zip(FIELDS, values, strict=True):
            setattr(room, field, value)
        db.session.add(room)
    db.session.commit()
    employee, office = _user("employee"), _user("office")
    if employee is None or office is None or db.session.scalar(select(Booking.id).where(Booking.visit_id.is_(None))):
        return
    _seed_bookings(employee, office)


def _at(days: int, hour: int) -> datetime:
    return to_utc(datetime.combine(today() + timedelta(days=days), time(hour)))


def _seed_bookings(employee: User, office: User) -> None:
    rooms = {room.name_en: room for room in db.session.scalars(select(Room))}
    sales = db.session.scalar(select(Department).where(Department.code == "SALES"))
    plans = [
        (employee, "302 Small meeting room", 1, 10, "产品评审 Product review", ("projector",), (office.id,), ()),
        (office, "301 Board room", 2, 14, "季度经营分析会 Quarterly review", ("projector", "video", "tea"), (),
         (sales.id,) if sales else ()),
        (office, "310 Video room", 3, 9, "专项项目协同小组 Project sync", ("video",), (employee.id,), ()),
    ]
    for organiser, room_name, days, hour, title, needs, people, departments in plans:
        room = rooms.get(room_name)
        if room is None:
            continue
        data = services.BookingData(room_id=room.id, starts_at=_at(days, hour), ends_at=_at(days, hour + 1),
                                    title=title, needs=needs, attendee_ids=people, department_ids=departments)
        try:
            services.book(organiser, data)
        except (services.BookingError, services.SlotTaken):
            db.session.rollback()
