"""Builders for repair tests: places, equipment, requests in any status, and real photo bytes."""
import html
import io
import itertools
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from PIL import Image

from app.auth.roles import Role
from app.extensions import db
from app.repairs import sla
from app.repairs.models import Equipment, Location, RepairRequest
from app.timeutil import utcnow

_n = itertools.count(1)


def photo_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False) -> io.BytesIO:
    """A real image made with Pillow, optionally with an EXIF block that must not survive."""
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        image.save(buffer, fmt, exif=data.tobytes())
    else:
        image.save(buffer, fmt)
    buffer.seek(0)
    return buffer


def hint_link(client, location_id: int, equipment_id: int | None = None, category: str = "hvac") -> str | None:
    """The "Add my report to it" link the filing form shows the signed-in person for that place, if any."""
    query = f"location_id={location_id}&category={category}" + (f"&equipment_id={equipment_id}" if equipment_id else "")
    fragment = client.get(f"/repairs/new/place?{query}").get_data(True)
    found = re.search(r'href="(/repairs/\d+/report\?hint=[^"]+)"', fragment)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture(autouse=True)
def english(app):
    """Service messages read in English here, like the pages the client fetches."""
    with force_locale("en"):
        yield


@pytest.fixture
def make_location(app):
    def make(building=None, floor="3F", room=None, active=True):
        location = Location(building=building or f"研发楼 Building {next(_n)}", floor=floor,
                            room=room or "实验室 302", active=active)
        db.session.add(location)
        db.session.commit()
        return location
    return make


@pytest.fixture
def make_equipment(app, make_location):
    def make(location=None, name="实验室空调 Lab AC", category="hvac"):
        equipment = Equipment(name=name, asset_number=f"AC-{next(_n)}", location=location or make_location(),
                              category=category)
        db.session.add(equipment)
        db.session.commit()
        return equipment
    return make


@pytest.fixture
def make_repair(app, make_user, make_location):
    """A request in any status, written straight to the table (no notifications), for list and access tests."""
    def make(requester=None, status="submitted", urgency="normal", location=None, equipment=None,
             assignee=None, category="hvac", created_at=None, description="空调不制冷 AC blows warm air"):
        created = created_at or utcnow()
        response_due, fix_due = sla.due_times(urgency, created)
        if status not in ("submitted", "cancelled") and assignee is None:
            assignee = make_user(Role.MAINTENANCE)
        repair = RepairRequest(
            requester=requester or make_user(), location=location or (equipment.location if equipment else
                                                                      make_location()),
            equipment=equipment, category=category, urgency=urgency, description=description, status=status,
            assignee=assignee, created_at=created, response_due=response_due, fix_due=fix_due,
            responded_at=created + timedelta(minutes=10) if assignee else None,
            done_at=created + timedelta(hours=2) if status in ("done", "confirmed") else None,
            closed_at=created + timedelta(hours=3) if status in ("confirmed", "cancelled") else None,
            waiting_since=created + timedelta(hours=1) if status == "waiting" else None,
            wait_reason="parts" if status == "waiting" else "")
        db.session.add(repair)
        db.session.commit()
        return repair
    return make
