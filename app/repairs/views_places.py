"""Locations and equipment for office and administrators: lists, forms, CSV import, QR labels, history."""
from flask import abort, current_app, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.pagecache import cached_page
from app.params import int_arg, page_arg, text_arg

from . import places, queries
from .blueprint import bp
from .forms import EquipmentForm, ImportForm, LocationForm
from .models import Equipment, Location

MANAGERS = (Role.OFFICE, Role.ADMIN)


@bp.route("/locations", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
@cached_page("repairs")  # a POST passes through; after a save the flash makes a fresh page
def locations():
    """All locations, searchable, with a form to add one."""
    form = LocationForm()
    if form.validate_on_submit() and _save_location(form, Location()):
        flash(_("Location %(name)s is saved.", name=form.building.data), "success")
        return redirect_after_post(url_for("repairs.locations"))
    page = places.search_locations(text_arg("q"), page_arg())
    return render_form("repairs/places.html", "repairs/_location_rows.html", form, page=page, what="locations")


@bp.route("/locations/<int:location_id>", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def edit_location(location_id: int):
    location = db.get_or_404(Location, location_id)
    form = LocationForm(obj=location)
    if form.validate_on_submit() and _save_location(form, location):
        flash(_("Location %(name)s is saved.", name=location.label), "success")
        return redirect_after_post(url_for("repairs.locations"))
    return render_form("repairs/location_form.html", "repairs/location_form.html", form, location=location,
                       equipment=places.equipment_at(location.id),
                       qr=places.qr_markup(places.filing_url(location.id)))


def _save_location(form: LocationForm, location: Location) -> bool:
    try:
        places.save_location(location, building=form.building.data, floor=form.floor.data,
                             room=form.room.data, active=form.active.data)
    except places.PlaceError as exc:
        attach_error(form, exc)
        return False
    return True


@bp.get("/locations/<int:location_id>/labels")
@login_required
@role_required(*MANAGERS)
def labels(location_id: int):
    """A printable sheet: one QR label for the location and one per piece of equipment in it."""
    location = db.get_or_404(Location, location_id)
    items = [(location.label, "", places.qr_markup(places.filing_url(location.id)))]
    items += [(e.name, e.asset_number, places.qr_markup(places.filing_url(location.id, e.id)))
              for e in places.equipment_at(location.id)]
    # The sheet names the address its codes carry, so a label printed with the wrong one is caught before
    # it is stuck on a wall (BASE_URL, else the address this page was opened at).
    address = places.filing_url(location.id).split("/repairs/")[0]
    return render_template("repairs/labels.html", location=location, items=items, address=address,
                           base_url_set=bool(current_app.config["BASE_URL"]))


@bp.get("/qr/<kind>/<int:ident>.svg")
@login_required
@role_required(*MANAGERS, Role.MAINTENANCE)
def qr(kind: str, ident: int):
    """The QR code alone, as SVG, for a label printer or a sticker shop."""
    if kind == "location":
        url = places.filing_url(db.get_or_404(Location, ident).id)
    elif kind == "equipment":
        equipment = db.get_or_404(Equipment, ident)
        url = places.filing_url(equipment.location_id, equipment.id)
    else:
        abort(404)
    return places.qr_svg(url, scale=8), 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


@bp.route("/equipment", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
@cached_page("repairs")  # a POST passes through; after a save the flash makes a fresh page
def equipment_list():
    """All equipment, searchable by name or asset number, with a form to add a piece."""
    form = EquipmentForm(locations=places.pick_locations())
    if form.validate_on_submit() and _save_equipment(form, Equipment()):
        flash(_("Equipment %(name)s is saved.", name=form.name.data), "success")
        return redirect_after_post(url_for("repairs.equipment_list"))
    page = places.search_equipment(text_arg("q"), int_arg("location"),
                                   page_arg())
    return render_form("repairs/places.html", "repairs/_equipment_rows.html", form, page=page, what="equipment")


@bp.route("/equipment/<int:equipment_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def edit_equipment(equipment_id: int):
    equipment = db.get_or_404(Equipment, equipment_id)
    form = EquipmentForm(obj=equipment, locations=places.pick_locations(selected_id=equipment.location_id))
    if form.validate_on_submit() and _save_equipment(form, equipment):
        flash(_("Equipment %(name)s is saved.", name=equipment.name), "success")
        return redirect_after_post(url_for("repairs.equipment", equipment_id=equipment.id))
    return render_form("repairs/equipment_form.html", "repairs/equipment_form.html", form, equipment=equipment)


def _save_equipment(form: EquipmentForm, equipment: Equipment) -> bool:
    try:
        places.save_equipment(equipment, name=form.name.data, asset_number=form.asset_number.data,
                              location_id=form.location_id.data, category=form.category.data,
                              active=form.active.data)
    except places.PlaceError as exc:
        attach_error(form, exc)
        return False
    return True


@bp.get("/equipment/<int:equipment_id>")
@login_required
@role_required(*MANAGERS, Role.MAINTENANCE)
@cached_page("repairs", "calendar", seconds=60)
def equipment(equipment_id: int):
    """One piece of equipment and its repair history: how often it broke and how long each fix took."""
    item = db.get_or_404(Equipment, equipment_id)
    page = queries.equipment_history(item.id, page_arg())
    return render("repairs/equipment.html", "repairs/_history_rows.html", equipment=item, page=page,
                  summary=queries.equipment_summary(item.id),
                  qr=places.qr_markup(places.filing_url(item.location_id, item.id)))


@bp.route("/locations/import", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def import_locations():
    """CSV import of locations; a wrong row stops the whole file, so nothing is half-imported."""
    return _import("locations", places.import_locations)


@bp.route("/equipment/import", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def import_equipment():
    """CSV import of equipment, creating missing locations; a wrong row stops the whole file."""
    return _import("equipment", places.import_equipment)


def _import(what: str, importer):
    form = ImportForm()
    result = importer(form.file.data.read()) if form.validate_on_submit() else None
    # A refused file answers 422 like a refused form: nothing was imported.
    status = 422 if form.errors or (result and result.errors) else 200
    return render_template("repairs/import.html", form=form, result=result, what=what), status
