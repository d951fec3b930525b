"""Access matrix rows for repair requests: filing for everyone, the queue for maintenance, the board
and roster for the office, places for office and administrators, a request only for whoever may see it."""
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.repairs import hints, sla
from app.repairs.models import Equipment, Location, RepairPhoto, RepairRequest
from app.timeutil import utcnow
from app.uploads import save_image
from tests.access import Route, allow, everyone
from tests.repairs.conftest import photo_bytes

MAINT, OFFICE, ADMIN = Role.MAINTENANCE, Role.OFFICE, Role.ADMIN
MANAGERS = (OFFICE, ADMIN)
R = "/repairs"

ROUTES = [
    Route("GET", f"{R}/", everyone()),
    Route("GET", f"{R}/new", everyone()),
    Route("POST", f"{R}/new", everyone(422)),
    Route("GET", f"{R}/new/locations", everyone()),
    Route("GET", f"{R}/new/place", everyone()),
    # "Add my report" needs a reason: the filing form's hint, whose link carries a token binding the request,
    # the person and the place. A request's number alone finds nothing, whoever asks.
    Route("GET", f"{R}/<int:repair_id>/report", default=404),
    Route("POST", f"{R}/<int:repair_id>/report", default=404),
    Route("GET", f"{R}/<int:repair_id>/report?hint=<hint>", everyone()),
    Route("POST", f"{R}/<int:repair_id>/report?hint=<hint>", everyone(422)),
    # Someone else's request: its existence is private to maintenance and office.
    Route("GET", f"{R}/<int:repair_id>", allow(MAINT, OFFICE), default=404),
    # Maintenance may take it; office may not (it dispatches), and is told so on the detail page drawn again
    # (422), with whatever note was typed kept.
    Route("POST", f"{R}/<int:repair_id>/act/<action>", {**allow(MAINT, status=303), **allow(OFFICE, status=422)},
          default=404),
    Route("GET", f"{R}/photos/<int:photo_id>", allow(MAINT, OFFICE), default=404),
    Route("GET", f"{R}/queue", allow(MAINT)),
    Route("GET", f"{R}/queue/news", allow(MAINT, status=204)),
    Route("GET", f"{R}/board", allow(OFFICE)),
    Route("GET", f"{R}/board/<status>", allow(OFFICE)),
    Route("GET", f"{R}/locations", allow(*MANAGERS)),
    Route("POST", f"{R}/locations", allow(*MANAGERS, status=422)),
    Route("GET", f"{R}/locations/<int:location_id>", allow(*MANAGERS)),
    # An empty post re-saves what is stored (WTForms falls back to the record).
    Route("POST", f"{R}/locations/<int:location_id>", allow(*MANAGERS, status=303)),
    Route("GET", f"{R}/locations/<int:location_id>/labels", allow(*MANAGERS)),
    Route("GET", f"{R}/qr/<kind>/<int:ident>.svg", allow(*MANAGERS, MAINT)),
    Route("GET", f"{R}/equipment", allow(*MANAGERS)),
    Route("POST", f"{R}/equipment", allow(*MANAGERS, status=422)),
    Route("GET", f"{R}/equipment/<int:equipment_id>", allow(*MANAGERS, MAINT)),
    Route("GET", f"{R}/equipment/<int:equipment_id>/edit", allow(*MANAGERS)),
    Route("POST", f"{R}/equipment/<int:equipment_id>/edit", allow(*MANAGERS, status=303)),
    Route("GET", f"{R}/locations/import", allow(*MANAGERS)),
    Route("POST", f"{R}/locations/import", allow(*MANAGERS, status=422)),
    Route("GET", f"{R}/equipment/import", allow(*MANAGERS)),
    Route("POST", f"{R}/equipment/import", allow(*MANAGERS, status=422)),
    Route("GET", f"{R}/roster", allow(OFFICE)),
    Route("POST", f"{R}/roster", allow(OFFICE, status=303)),
]


class HintForTheSignedInPerson:
    """The token of the hint the filing form gives whoever the matrix signed in (the newest user) when
    they pick the matrix's location and equipment; made when the path is built, after the sign-in."""

    def __init__(self, repair_id: int, location_id: int, equipment_id: int):
        self.repair_id, self.location_id, self.equipment_id = repair_id, location_id, equipment_id

    def __str__(self) -> str:
        person = db.session.scalar(select(User).order_by(User.id.desc()).limit(1))
        hint = hints.offer(person, self.location_id, self.equipment_id, "hvac")
        assert hint is not None and hint.repair.id == self.repair_id
        return hint.token


def setup() -> dict:
    requester = User(login="repair-owner", name="Repair Owner", password_hash="x")
    location = Location(building="Matrix building", floor="1F", room="101")
    equipment = Equipment(name="Matrix AC", asset_number="MX-1", location=location, category="hvac")
    now = utcnow()
    response_due, fix_due = sla.due_times("normal", now)
    repair = RepairRequest(requester=requester, location=location, equipment=equipment, category="hvac",
                           urgency="normal", description="warm air", response_due=response_due, fix_due=fix_due)
    db.session.add_all([requester, location, equipment, repair])
    db.session.flush()
    stored = save_image(FileStorage(photo_bytes(), filename="a.jpg"), "repairs")
    photo = RepairPhoto(repair=repair, uploaded_by_id=requester.id, name=stored.name, thumb_name=stored.thumb_name)
    db.session.add(photo)
    db.session.commit()
    return {"repair_id": repair.id, "action": "take", "photo_id": photo.id, "location_id": location.id,
            "equipment_id": equipment.id, "kind": "location", "ident": location.id, "status": "submitted",
            "hint": HintForTheSignedInPerson(repair.id, location.id, equipment.id)}
