"""Locations and equipment: search, save, CSV import, and the QR codes that open a prefilled request."""
import csv
import io
from dataclasses import dataclass, field

import segno
from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, or_, select

from app.extensions import db

from .models import CATEGORIES, Equipment, Location

PAGE_SIZE = 30
PICK_LIMIT = 50
LOCATION_COLUMNS = ("building", "floor", "room")
EQUIPMENT_COLUMNS = ("name", "asset_number", "building", "floor", "room", "category")


class PlaceError(ValueError):
    """A location or equipment rule was broken; the message is for the form."""


def search_locations(q: str = "", page: int = 1, active_only: bool = False):
    query = select(Location).order_by(Location.building, Location.floor, Location.room)
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(Location.building.ilike(like), Location.floor.ilike(like),
                                Location.room.ilike(like)))
    if active_only:
        query = query.where(Location.active.is_(True))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def pick_locations(q: str = "", selected_id: int | None = None) -> list[Location]:
    """Active locations for the filing form's searchable pick, with the chosen one always included."""
    found = search_locations(q, 1, active_only=True).items[:PICK_LIMIT] if q.strip() else list(
        db.session.scalars(select(Location).where(Location.active.is_(True))
                           .order_by(Location.building, Location.floor, Location.room).limit(500)))
    if selected_id and all(loc.id != selected_id for loc in found):
        chosen = db.session.get(Location, selected_id)
        if chosen is not None and chosen.active:
            found.insert(0, chosen)
    return found


def equipment_at(location_id: int | None) -> list[Equipment]:
    if not location_id:
        return []
    return list(db.session.scalars(select(Equipment).where(Equipment.location_id == location_id,
                                                           Equipment.active.is_(True)).order_by(Equipment.name)))


def search_equipment(q: str = "", location_id: int | None = None, page: int = 1):
    query = select(Equipment).order_by(Equipment.asset_number)
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(or_(Equipment.name.ilike(like), Equipment.asset_number.ilike(like)))
    if location_id:
        query = query.where(Equipment.location_id == location_id)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def _find_location(building: str, floor: str, room: str):
    return db.session.scalar(select(Location).where(
        func.lower(Location.building) == building.lower(), func.lower(Location.floor) == floor.lower(),
        func.lower(Location.room) == room.lower()))


def save_location(location: Location, *, building: str, floor: str, room: str, active: bool = True) -> Location:
    building, floor, room = building.strip(), (floor or "").strip(), (room or "").strip()
    clash = _find_location(building, floor, room)
    if clash is not None and clash is not location:
        raise PlaceError(_l("This location exists already."))
    location.building, location.floor, location.room, location.active = building, floor, room, active
    if location.id is None:
        db.session.add(location)
    db.session.commit()
    return location


def save_equipment(equipment: Equipment, *, name: str, asset_number: str, location_id: int, category: str,
                   active: bool = True) -> Equipment:
    clash = db.session.scalar(select(Equipment).where(
        func.lower(Equipment.asset_number) == asset_number.strip().lower()))
    if clash is not None and clash is not equipment:
        raise PlaceError(_l("The asset number %(number)s is already used.", number=asset_number))
    if db.session.get(Location, location_id) is None:
        raise PlaceError(_l("Choose a location from the list."))
    equipment.name, equipment.asset_number = name.strip(), asset_number.strip()
    equipment.location_id, equipment.category, equipment.active = location_id, category, active
    if equipment.id is None:
        db.session.add(equipment)
    db.session.commit()
    return equipment


@dataclass
class ImportResult:
    created: int = 0
    errors: list = field(default_factory=list)


def _rows(raw: bytes, columns: tuple, result: ImportResult) -> list[tuple[int, dict]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # Excel on Chinese Windows saves GBK
    reader = csv.DictReader(io.StringIO(text))
    if not set(columns) <= set(reader.fieldnames or []):
        result.errors.append(_l("The first line must name the columns: %(columns)s.", columns=",".join(columns)))
        return []
    # line_num counts the file's lines, so skipped blank lines and quoted line breaks don't shift it.
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)})
            for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]


def import_locations(raw: bytes) -> ImportResult:
    """Add locations from CSV (building,floor,room); known ones are skipped, a bad row stops the import."""
    result = ImportResult()
    rows = _rows(raw, LOCATION_COLUMNS, result)
    seen = set()
    for line, row in rows:
        key = (row["building"].lower(), row["floor"].lower(), row["room"].lower())
        if not row["building"] or len(row["building"]) > 80 or len(row["floor"]) > 20 or len(row["room"]) > 80:
            result.errors.append(_l("line %(line)d: building is required; keep each part short", line=line))
        elif key not in seen and _find_location(row["building"], row["floor"], row["room"]) is None:
            db.session.add(Location(building=row["building"], floor=row["floor"], room=row["room"]))
            result.created += 1
        seen.add(key)
    _finish(result)
    return result


def import_equipment(raw: bytes) -> ImportResult:
    """Add equipment from CSV; the location is found (or created) by building, floor and room."""
    result = ImportResult()
    rows = _rows(raw, EQUIPMENT_COLUMNS, result)
    numbers = set()
    for line, row in rows:
        number = row["asset_number"]
        if not row["name"] or not number or len(row["name"]) > 120 or len(number) > 40 or not row["building"]:
            result.errors.append(_l("line %(line)d: name, asset number and building are required", line=line))
            continue
        if number.lower() in numbers or db.session.scalar(
                select(Equipment.id).where(func.lower(Equipment.asset_number) == number.lower())):
            result.errors.append(_l("line %(line)d: asset number %(number)s exists already", line=line,
                                    number=number))
            continue
        numbers.add(number.lower())
        location = _find_location(row["building"], row["floor"], row["room"]) or Location(
            building=row["building"][:80], floor=row["floor"][:20], room=row["room"][:80])
        db.session.add(location)
        db.session.flush()
        category = row["category"] if row["category"] in CATEGORIES else "other"
        db.session.add(Equipment(name=row["name"], asset_number=number, location=location, category=category))
        result.created += 1
    _finish(result)
    return result


def _finish(result: ImportResult) -> None:
    if result.errors:
        db.session.rollback()
        result.created = 0
    else:
        db.session.commit()


def filing_url(location_id: int, equipment_id: int | None = None) -> str:
    """The absolute link a QR label opens: the filing form with the place filled in."""
    if equipment_id:
        return url_for("repairs.new", location=location_id, equipment=equipment_id, _external=True)
    return url_for("repairs.new", location=location_id, _external=True)


def qr_svg(url: str, scale: int = 4) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, title=url)


def qr_markup(url: str, scale: int = 3) -> Markup:
    """Our own SVG (segno escapes the URL in the title), safe to place in a page."""
    return Markup(qr_svg(url, scale))
