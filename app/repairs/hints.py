"""The "already reported" hint on the filing form, and the reason it gives to add a report to a request.

The hint names an open request for the place a person is filing for: the same equipment, or the same
location and kind of fault. Its "Add my report to it" link carries a token signed with SECRET_KEY that
binds the request, the person and the place the server matched. The report page answers only with that
token, so a request can't be reached by its number, and it shows no more than the hint did.
"""
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select

from app.extensions import db

from .models import Equipment, Location, RepairRequest
from .workflow import ACTIVE_STATUSES

R = RepairRequest


@dataclass(frozen=True)
class Hint:
    """An open request the server matched to the place `user` is filing for."""
    repair: RepairRequest
    location: Location
    equipment: Equipment | None
    token: str


def _serializer() -> URLSafeSerializer:
    # No expiry: the token records that the server showed this person this request, which stays true;
    # it works only for that person and only while the request is open.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="repairs.report-hint")


def _place(location_id, equipment_id) -> tuple[Location | None, Equipment | None]:
    """The location, and the equipment only if it is there (a hand-made link may name any other)."""
    location = db.session.get(Location, location_id) if location_id else None
    equipment = db.session.get(Equipment, equipment_id) if location and equipment_id else None
    if equipment is not None and equipment.location_id != location.id:
        equipment = None
    return location, equipment


def _open_request(location: Location, equipment: Equipment | None, category: str | None) -> R | None:
    """An open request for the same equipment, else for the same location and kind of fault."""
    newest = select(R).where(R.status.in_(ACTIVE_STATUSES)).order_by(R.created_at.desc(), R.id.desc()).limit(1)
    if equipment is not None:
        found = db.session.scalar(newest.where(R.equipment_id == equipment.id))
        if found:
            return found
    if category:
        return db.session.scalar(newest.where(R.location_id == location.id, R.category == category))
    return None


def offer(user, location_id, equipment_id, category) -> Hint | None:
    """The hint for the filing form, with the token its link carries, or None when nothing is open there."""
    location, equipment = _place(location_id, equipment_id)
    repair = _open_request(location, equipment, category) if location else None
    if repair is None:
        return None
    token = _serializer().dumps([repair.id, user.id, location.id, equipment.id if equipment else 0])
    return Hint(repair, location, equipment, token)


def redeem(token: str, user, repair_id: int) -> Hint | None:
    """The hint a token stands for, if the server gave it to `user` for this request and it is still open."""
    try:
        hinted, user_id, location_id, equipment_id = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if (hinted, user_id) != (repair_id, user.id):
        return None
    repair = db.session.scalar(select(R).where(R.id == repair_id, R.status.in_(ACTIVE_STATUSES)))
    location, equipment = _place(location_id, equipment_id)
    if repair is None or location is None:
        return None
    return Hint(repair, location, equipment, token)
