"""Filing a request (phone first), adding to an open one, the detail page, workflow steps, photos."""
from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import idempotency
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.htmx import redirect_after_post, source_id, wants_fragment
from app.timeutil import utcnow
from app.uploads import ImageRejected

from . import places, services, workflow
from .blueprint import bp
from .clock import sla_lines
from .forms import ActionForm, ReportForm, RepairForm
from .models import WAIT_REASONS, Equipment, Location


def _filing_form(location_id: int) -> RepairForm:
    return RepairForm(locations=places.pick_locations(selected_id=location_id),
                      equipment=places.equipment_at(location_id))


def _qr_place() -> tuple[Location | None, Equipment | None]:
    """The place a QR label names. Equipment is found where it is now: its label may predate a move."""
    equipment = db.session.get(Equipment, request.args.get("equipment", 0, type=int))
    if equipment is not None and not equipment.active:
        equipment = None
    if equipment is not None:
        return equipment.location, equipment
    return db.session.get(Location, request.args.get("location", 0, type=int)), None


def _prefill(form: RepairForm, location, equipment) -> None:
    """Fill in what a QR link names; an unknown or retired place is said plainly instead of failing."""
    if ("location" in request.args or equipment) and (location is None or not location.active):
        flash(_("This QR code points to a location we do not know (any more). Choose the location below."),
              "warning")
        return
    if "equipment" in request.args and equipment is None:
        flash(_("This QR code points to equipment we do not know (any more). Choose it below if it is listed."),
              "warning")
    if equipment is not None:
        form.equipment_id.data, form.category.data = equipment.id, equipment.category
    form.location_id.data = location.id if location else 0


def _form_from_qr() -> RepairForm:
    location, equipment = _qr_place()
    form = _filing_form(location.id if location and location.active else 0)
    _prefill(form, location, equipment)
    form.token.data = idempotency.new_token()
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a repair request in under a minute; photos are checked before anything is saved."""
    if request.method == "GET":
        form = _form_from_qr()
    else:
        form = _filing_form(request.form.get("location_id", 0, type=int))
    if form.validate_on_submit():
        repair = None if idempotency.already_done(form.token.data) else _file(form)
        if repair is not None:
            flash(_("Your repair request #%(id)d is filed. You will be told of every step.", id=repair.id),
                  "success")
        if not form.errors:
            # A double tap lands on the request the first tap filed.
            done = idempotency.already_done(form.token.data) or url_for("repairs.detail", repair_id=repair.id)
            return redirect_after_post(done)
    duplicate = services.find_duplicate(form.location_id.data, form.equipment_id.data, form.category.data)
    return render_template("repairs/new.html", form=form, duplicate=duplicate,
                           sla_lines=sla_lines()), 422 if form.errors else 200


def _file(form: RepairForm):
    try:
        return services.file_request(
            current_user, location_id=form.location_id.data, equipment_id=form.equipment_id.data or None,
            category=form.category.data, urgency=form.urgency.data, description=form.description.data,
            phone=form.phone.data, photos=request.files.getlist(form.photos.name), token=form.token.data)
    except ImageRejected as exc:
        form.photos.errors = [str(exc)]
    except services.RepairError as exc:
        form.location_id.errors = [str(exc)]
    return None


@bp.get("/new/locations")
@login_required
def location_options():
    """The searchable location pick: the select narrowed to what the person typed."""
    locations = places.pick_locations(request.args.get("q", ""), request.args.get("location_id", type=int))
    form = RepairForm(locations=locations, formdata=None)
    form.location_id.data = request.args.get("location_id", 0, type=int)
    return render_template("repairs/_location_select.html", form=form)


@bp.get("/new/place")
@login_required
def place_parts():
    """After a location, equipment or category change: the equipment there and any open duplicate."""
    location_id = request.args.get("location_id", 0, type=int)
    choices = places.equipment_at(location_id)
    form = RepairForm(equipment=choices, formdata=None)
    form.equipment_id.data = request.args.get("equipment_id", 0, type=int)
    form.category.data = request.args.get("category") or form.category.default
    prefilled = _category_from_equipment(form, choices)
    category = form.category.data if prefilled else request.args.get("category")
    duplicate = services.find_duplicate(location_id, form.equipment_id.data, category)
    return render_template("repairs/_place_parts.html", form=form, duplicate=duplicate,
                           category_from_equipment=prefilled)


def _category_from_equipment(form: RepairForm, choices) -> bool:
    """Picking equipment sets the kind of fault, unless the person chose one already (it is not the default).

    Only a change of the equipment pick does this: a later change of the kind itself is the person's choice.
    """
    if source_id() != "equipment_id" or form.category.data != form.category.default:
        return False
    chosen = next((e for e in choices if e.id == form.equipment_id.data), None)
    if chosen is None or chosen.category == form.category.data:
        return False
    form.category.data = chosen.category
    return True


@bp.route("/<int:repair_id>/report", methods=["GET", "POST"])
@login_required
def add_report(repair_id: int):
    """Add my report (words, photos) to an open request instead of filing a duplicate."""
    repair = services.get_open(repair_id) or abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.add_report(repair, current_user, form.description.data,
                                request.files.getlist(form.photos.name))
        except ImageRejected as exc:
            form.photos.errors = [str(exc)]
        else:
            flash(_("Your report is added to request #%(id)d.", id=repair.id), "success")
            return redirect_after_post(url_for("repairs.detail", repair_id=repair.id))
    return render_template("repairs/report.html", form=form, repair=repair), 422 if form.errors else 200


@bp.get("/<int:repair_id>")
@login_required
def detail(repair_id: int):
    """Everything about one request: photos, words, clock, timeline and the steps this viewer may take."""
    repair = services.get_visible(current_user, repair_id) or abort(404)
    staff = current_user.has_any_role(Role.MAINTENANCE, Role.OFFICE)
    return render_template("repairs/detail.html", repair=repair, now_utc=utcnow(), wait_reasons=WAIT_REASONS,
                           show_phone=staff, can_see_equipment=staff,
                           **_action_context(repair))


def _action_context(repair) -> dict:
    actions = workflow.allowed_actions(current_user, repair)
    people = services.maintenance_people() if any(a.action == "assign" for a in actions) else []
    return {"actions": actions, "action_form": ActionForm(people=people, formdata=None)}


@bp.post("/<int:repair_id>/act/<action>")
@login_required
def act(repair_id: int, action: str):
    """One workflow step; a stale or forbidden click gets a clear message and the current state."""
    repair = services.get_visible(current_user, repair_id) or abort(404)
    if action not in workflow.TRANSITIONS:
        abort(404)
    form = ActionForm()
    error, status = None, 200
    if not form.validate():
        error, status = " ".join(e for errors in form.errors.values() for e in errors), 422
    else:
        try:
            services.act(repair, current_user, action, version=form.version.data, note=form.note.data or "",
                         assignee=db.session.get(User, form.assignee_id.data or 0),
                         wait_reason=form.wait_reason.data or "", parts=form.parts.data or "")
        except services.Conflict as exc:
            repair, error, status = exc.repair, str(exc), 409
        except services.RepairError as exc:
            error, status = str(exc), 422
    return _after_action(repair, error, status)


def _after_action(repair, error, status):
    if wants_fragment():
        return render_template("repairs/_queue_row.html", repair=repair, error=error, saved=not error, now=utcnow(),
                               **_action_context(repair)), status
    flash(error or _("Saved: the request is now “%(status)s”.", status=repair.status_label),
          "error" if error else "success")
    return redirect_after_post(url_for("repairs.detail", repair_id=repair.id))


@bp.get("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    """A request's photo, only for people who may see the request; never cached by shared caches."""
    found = services.photo_for(current_user, photo_id) or abort(404)
    path = services.photo_path(found, thumb=request.args.get("thumb") == "1") or abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
