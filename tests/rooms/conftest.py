"""Builders for rooms: rooms with equipment, the technical department and its people, bookings a few days
ahead at 10:00 office time."""
from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.rooms import services
from app.rooms.models import Room
from app.timeutil import to_utc, today
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def at(days: int = 3, hour: int = 10, minute: int = 0) -> datetime:
    """A stored (UTC) time `days` ahead at hour:minute office time."""
    return to_utc(datetime.combine(today() + timedelta(days=days), time(hour, minute)))


def sign_in(client, user) -> None:
    client.post("/logout")
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303


@pytest.fixture
def make_room(app):
    def make(name="302 小会议室", capacity=8, projector=True, video=False, needs_approval=False, **values):
        room = Room(name=name, capacity=capacity, projector=projector, video=video, needs_approval=needs_approval,
                    building=values.pop("building", "行政楼"), floor=values.pop("floor", "3F"), **values)
        db.session.add(room)
        db.session.commit()
        return room
    return make


@pytest.fixture
def tech(app, make_department):
    """The technical department (code TECH, as ROOMS_TECH_DEPARTMENT says)."""
    return make_department(code="TECH", name_zh="技术部", name_en="Technical")


@pytest.fixture
def book(app):
    """book(user, room, days=3, hour=10, hours=1, **BookingData overrides) → the booking."""
    def make(user, room, days=3, hour=10, hours=1, **overrides):
        values = dict(room_id=room.id, starts_at=at(days, hour), ends_at=at(days, hour + hours),
                      title="产品评审 Product review")
        values.update(overrides)
        return services.book(user, services.BookingData(**values))
    return make


def form(room, days=3, start="10:00", end="11:00", **extra) -> dict:
    """A booking form as a browser sends it."""
    data = {"title": "产品评审 Product review", "room_id": str(room.id),
            "day": (today() + timedelta(days=days)).isoformat(), "starts": start, "ends": end, "repeat": "0"}
    data.update(extra)
    return data
