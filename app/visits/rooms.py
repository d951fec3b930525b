"""The editable list of meeting rooms."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Refused
from app.extensions import db

from .models import Room


class RoomError(Refused):
    """A rule on rooms was broken; the message is shown next to the name."""


def all_rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).order_by(Room.active.desc(), Room.name)))


TAKEN = _l("A room with this name exists already.")


def _unique_name(name: str, room: Room | None = None) -> str:
    name = name.strip()
    same = select(Room).where(func.lower(Room.name) == name.lower())
    if room is not None:
        same = same.where(Room.id != room.id)
    if db.session.scalar(same):
        raise RoomError(TAKEN, "name")
    return name


def _commit_name() -> None:
    """Two people giving two rooms the same name at the same moment: the second is told, as if a moment later."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RoomError(TAKEN, "name") from None


def add_room(name: str) -> Room:
    room = Room(name=_unique_name(name))
    db.session.add(room)
    _commit_name()
    return room


def rename_room(room: Room, name: str) -> None:
    """Visits keep pointing at the room, so they show the new name: it is the same room, now called differently."""
    room.name = _unique_name(name, room)
    _commit_name()


def set_active(room: Room, active: bool) -> None:
    """Rooms are deactivated rather than deleted, so past visits keep their room."""
    room.active = active
    db.session.commit()
