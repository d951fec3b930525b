"""The one room list: adding, editing, taking out of the list (never deleting: old bookings keep their room)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Refused
from app.extensions import db

from .models import Room

TAKEN = _l("A room with this name exists already.")


class RoomError(Refused):
    """A rule on rooms was broken; the message is shown next to the field."""


def all_rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).order_by(Room.active.desc(), Room.building, Room.floor, Room.name)))


ROOMS_PER_PAGE = 10  # the rooms page draws this many rooms, so its size never grows with the room list


def _active():
    return select(Room).where(Room.active).order_by(Room.building, Room.floor, Room.name, Room.id)


def active_rooms() -> list[Room]:
    return list(db.session.scalars(_active()))


def active_rooms_page(page: int):
    """One page of the active rooms, in the room list's order (the rooms page)."""
    return db.paginate(_active(), page=page, per_page=ROOMS_PER_PAGE, error_out=False)


def _unique_name(name: str, room: Room | None = None) -> str:
    name = name.strip()
    same = select(Room).where(func.lower(Room.name) == name.lower())
    if room is not None and room.id is not None:
        same = same.where(Room.id != room.id)
    if db.session.scalar(same):
        raise RoomError(TAKEN, "name")
    return name


def save_room(room: Room | None, values: dict) -> Room:
    """Add a room (room None) or change one; visits and bookings keep pointing at it, so they show the
    new name. Two people giving two rooms the same name at once: the second is told, as if a moment later."""
    room = room or Room()
    values = dict(values, name=_unique_name(values["name"], room))
    for name, value in values.items():
        setattr(room, name, value)
    db.session.add(room)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RoomError(TAKEN, "name") from None
    return room


def set_active(room: Room, active: bool) -> None:
    room.active = active
    db.session.commit()
