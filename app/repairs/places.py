"""Locations and equipment: search, save, CSV import, and the QR codes that open a prefilled request."""
from dataclasses import dataclass
from functools import lru_cache

import segno
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select

from app.errors import Refused
from app.extensions import db
from app.links import external_url
from app.params import to_int
from app.spreadsheets import ImportResult, read_csv

from .models import Category, Equipment, Location

PAGE_SIZE = 30
PICK_LIMIT = 50
LIST_LIMIT = 500  # a pick list without a search shows this many places at most
LOCATION_COLUMNS = ("building", "floor", "room")
EQUIPMENT_COLUMNS = ("name", "asset_number", "building", "floor", "room", "category")


class PlaceError(Refused):
    """A location or equipment rule was broken; the message is for the form field named by `field`."""


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
                           .order_by(Location.building, Location.floor, Location.room).limit(LIST_LIMIT)))
    if selected_id and all(loc.id != selected_id for loc in found):
        chosen = db.session.get(Location, selected_id)
        if chosen is not None and chosen.active:
            found.insert(0, chosen)
    return found


# Active locations for a filter bar, in the pick list's order: the columns a label shows, not 300 objects.
_FILTER_LOCATIONS = (select(Location.id, Location.building, Location.floor, Location.room)
                     .where(Location.active.is_(True))
                     .order_by(Location.building, Location.floor, Location.room).limit(LIST_LIMIT))


def location_options(current: int | None) -> Markup:
    """The active locations as a filter bar's <option>s, `current` selected, as ui.html's filter_select draws
    them: drawn by the macro, its per-option test and escapes cost 300 places a tenth of the repair board's
    time. Read through the session's connection as plain rows: the ORM's handling of 300 result rows cost
    as much as drawing them."""
    rows = db.session.connection().execute(_FILTER_LOCATIONS)
    return Markup("".join(f'<option value="{ident}"{" selected" if ident == current else ""}>'
                          f'{escape(Location.label_of(*parts))}</option>' for ident, *parts in rows))


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
        raise PlaceError(_l("This location exists already."), field="building")
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
        raise PlaceError(_l("The asset number %(number)s is already used.", number=asset_number),
                         field="asset_number")
    if db.session.get(Location, location_id) is None:
        raise PlaceError(_l("Choose a location from the list."), field="location_id")
    equipment.name, equipment.asset_number = name.strip(), asset_number.strip()
    equipment.location_id, equipment.category, equipment.active = location_id, category, active
    if equipment.id is None:
        db.session.add(equipment)
    db.session.commit()
    return equipment


def import_locations(raw: bytes) -> ImportResult:
    """Add locations from CSV (building,floor,room); known ones are skipped, a bad row stops the import."""
    result = read_csv(raw, LOCATION_COLUMNS)
    seen = set()
    for line, row in result.rows:
        key = (row["building"].lower(), row["floor"].lower(), row["room"].lower())
        if not row["building"] or len(row["building"]) > 80 or len(row["floor"]) > 20 or len(row["room"]) > 80:
            result.errors.append(_l("line %(line)d: building is required; keep each part short", line=line))
        elif key not in seen and _find_location(row["building"], row["floor"], row["room"]) is None:
            location = Location(building=row["building"], floor=row["floor"], room=row["room"])
            db.session.add(location)
            result.created.append(location)
        seen.add(key)
    _finish(result)
    return result


def import_equipment(raw: bytes) -> ImportResult:
    """Add equipment from CSV; the location is found (or created) by building, floor and room."""
    result = read_csv(raw, EQUIPMENT_COLUMNS)
    numbers = set()
    for line, row in result.rows:
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
        category = Category.of(row["category"]) or Category.OTHER
        equipment = Equipment(name=row["name"], asset_number=number, location=location, category=category.value)
        db.session.add(equipment)
        result.created.append(equipment)
    _finish(result)
    return result


def _finish(result: ImportResult) -> None:
    if result.errors:
        db.session.rollback()
        result.created.clear()
    else:
        db.session.commit()


def filing_url(location_id: int, equipment_id: int | None = None) -> str:
    """The absolute link a QR label opens: the filing form with the place filled in."""
    if equipment_id:
        return external_url("repairs.new", location=location_id, equipment=equipment_id)
    return external_url("repairs.new", location=location_id)


UNKNOWN_LOCATION = _l("This QR code points to a location we do not know (any more). Choose the location below.")
UNKNOWN_EQUIPMENT = _l("This QR code points to equipment we do not know (any more). Choose it below if it is listed.")


@dataclass(frozen=True)
class QrPlace:
    """What a QR link names, as far as it is still in use; `warning` says plainly what is not."""
    location: Location | None = None
    equipment: Equipment | None = None
    warning: object = None

    @property
    def location_id(self) -> int:
        return self.location.id if self.location else 0

    def form_data(self) -> dict:
        """The filing form's first values: the place, and the equipment with its kind of fault."""
        data = {"location_id": self.location_id}
        if self.equipment is not None:
            data.update(equipment_id=self.equipment.id, category=self.equipment.category)
        return data


def qr_place(args) -> QrPlace:
    """The place a QR link's `location` and `equipment` arguments name. Equipment is found where it is
    now: its label may predate a move. A link to an unknown or retired place fills in nothing."""
    equipment = db.session.get(Equipment, to_int(args.get("equipment")) or 0)
    if equipment is not None and not equipment.active:
        equipment = None
    location = equipment.location if equipment else db.session.get(Location, to_int(args.get("location")) or 0)
    if ("location" in args or equipment) and (location is None or not location.active):
        return QrPlace(warning=UNKNOWN_LOCATION)
    return QrPlace(location, equipment, UNKNOWN_EQUIPMENT if "equipment" in args and equipment is None else None)


@lru_cache(maxsize=1024)
def qr_svg(url: str, scale: int = 4) -> str:
    """A QR code's SVG, kept per address and size: encoding one cost more than the rest of the equipment page,
    and a label's address (a place, a piece of equipment, the configured BASE_URL) never changes its code."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=url)


def qr_markup(url: str, scale: int = 3) -> Markup:
    """Our own SVG (segno escapes the URL in the title), safe to place in a page."""
    return Markup(qr_svg(url, scale))
