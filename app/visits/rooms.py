"""The editable list of meeting rooms."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db

from .models import Room


class RoomError(ValueError):
    """A rule on rooms was broken; the message is shown next to the name."""


def all_rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).order_by(Room.active.desc(), Room.name)))


def add_room(name: str) -> Room:
    name = name.strip()
    if db.session.scalar(select(Room).where(func.lower(Room.name) == name.lower())):
        raise RoomError(_l("A room with this name exists already."))
    room = Room(name=name)
    db.session.add(room)
    db.session.commit()
    return room


def set_active(room: Room, active: bool) -> None:
    """Rooms are deactivated rather than deleted, so past visits keep their room."""
    room.active = active
    db.session.commit()
