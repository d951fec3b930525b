"""My requests, filing a request (phone first), adding to an open one, the detail page, workflow steps, photos."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.forms import Kept, attach_error, kept_post
from app.htmx import redirect_after_post, render, render_form, source_id, wants_fragment
from app.pagecache import cached_page
from app.params import int_arg, page_arg, text_arg, to_int, to_text
from app.timeutil import utcnow
from app.uploads import photo_response

from . import hints, places, queries, services, workflow
from .blueprint import bp
from .clock import sla_lines
from .forms import ActionForm, RepairForm, ReportForm


@bp.get("/")
@login_required
@cached_page("repairs", "calendar", seconds=60)
def index():
    """My requests: status, who is on it, and the clock; those I only added a report to, as far as I may see."""
    page = queries.mine(current_user, page_arg())
    return render("repairs/index.html", "repairs/_mine_rows.html", page=page, now=utcnow(),
                  sees_everything=lambda repair: services.sees_everything(current_user, repair))


def _filing_form(location_id: int, **kwargs) -> RepairForm:
    return RepairForm(locations=places.pick_locations(selected_id=location_id),
                      equipment=places.equipment_at(location_id), **kwargs)


def _form_from_qr() -> RepairForm:
    """The filing form with what a QR label names filled in; an unknown or retired place is said plainly."""
    place = places.qr_place(request.args)
    if place.warning:
        flash(str(place.warning), "warning")
    data = place.form_data()
    if request.args.get("description"):  # e.g. an equipment check's problem (app/rooms/checks.py)
        data["description"] = request.args.get("description", "")[:2000]
    if request.args.get("category") and "category" not in data:
        data["category"] = request.args.get("category")
    return _filing_form(place.location_id, data=data)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a repair request in under a minute; photos are checked before anything is saved."""
    form = (_form_from_qr() if request.method == "GET"
            else _filing_form(to_int(request.form.get("location_id")) or 0))
    if form.validate_on_submit():
        try:
            filed = _file(form)
        except services.RepairError as exc:
            attach_error(form, exc)
        else:
            if filed.repair_id is not None:  # a double tap lands on the first tap's request, said once
                flash(_("Your repair request #%(id)d is filed. You will be told of every step.", id=filed.repair_id),
                      "success")
            return redirect_after_post(filed.url)
    hint = hints.offer(current_user, form.location_id.data, form.equipment_id.data, form.category.data)
    return render_form("repairs/new.html", "repairs/new.html", form, hint=hint, sla_lines=sla_lines())


def _file(form: RepairForm) -> services.Filed:
    return services.file_request(
        current_user, location_id=form.location_id.data, equipment_id=form.equipment_id.data or None,
        category=form.category.data, urgency=form.urgency.data, description=form.description.data,
        phone=form.phone.data, photos=request.files.getlist(form.photos.name), token=form.token.data)


@bp.get("/new/locations")
@login_required
def location_options():
    """The searchable location pick: the select narrowed to what the person typed."""
    locations = places.pick_locations(text_arg("q"), int_arg("location_id"))
    form = RepairForm(locations=locations, formdata=None)
    form.location_id.data = int_arg("location_id", 0) or 0
    return render_template("repairs/_location_select.html", form=form)


@bp.get("/new/place")
@login_required
def place_parts():
    """After a location, equipment or category change: the equipment there and any open duplicate."""
    location_id = int_arg("location_id", 0) or 0
    choices = places.equipment_at(location_id)
    form = RepairForm(equipment=choices, formdata=None)
    form.equipment_id.data = int_arg("equipment_id", 0) or 0
    form.category.data = request.args.get("category") or form.category.default
    prefilled = _category_from_equipment(form, choices)
    category = form.category.data if prefilled else request.args.get("category")
    hint = hints.offer(current_user, location_id, form.equipment_id.data, category)
    return render_template("repairs/_place_parts.html", form=form, hint=hint,
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
    """Add my report (words, photos) to the open request the filing form's hint offered me, instead of
    filing a duplicate; without the hint's token the request is not found (its number is no reason)."""
    hint = hints.redeem(to_text(request.args.get("hint"), 300), current_user, repair_id) or abort(404)
    repair = hint.repair
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.add_report(repair, current_user, form.description.data,
                                request.files.getlist(form.photos.name))
        except services.RepairError as exc:
            attach_error(form, exc)
        else:
            flash(_("Your report is added to request #%(id)d.", id=repair.id), "success")
            return redirect_after_post(url_for("repairs.detail", repair_id=repair.id))
    return render_form("repairs/report.html", "repairs/report.html", form, hint=hint)


@bp.get("/<int:repair_id>")
@login_required
@cached_page("repairs", "calendar", "satisfaction", seconds=60)
def detail(repair_id: int):
    """Everything about one request: photos, words, clock, timeline and the steps this viewer may take.

    Someone who only added their report to it sees its progress and their own report, not the requester's."""
    repair = services.get_visible(current_user, repair_id) or abort(404)
    if not services.sees_everything(current_user, repair):
        return render_template("repairs/joined.html", repair=repair, own=services.own_part(repair, current_user))
    return _detail_page(repair)


def _detail_page(repair, kept: Kept | None = None) -> str:
    staff = current_user.has_any_role(Role.MAINTENANCE, Role.OFFICE)
    return render_template("repairs/detail.html", repair=repair, now_utc=utcnow(), show_phone=staff,
                           can_see_equipment=staff, **_action_context(repair, kept))


def _action_context(repair, kept: Kept | None = None) -> dict:
    """The steps this viewer may take; `kept`: a refused step's text, drawn again in its form."""
    actions = workflow.allowed_actions(current_user, repair)
    people = services.maintenance_people() if any(a.name == "assign" for a in actions) else []
    return {"actions": actions, "action_form": ActionForm(people=people, formdata=None), "kept": kept or Kept()}


@bp.post("/<int:repair_id>/act/<action>")
@login_required
def act(repair_id: int, action: str):
    """One workflow step; a stale or forbidden click gets a clear message and the current state."""
    repair = services.get_visible(current_user, repair_id) or abort(404)
    # Someone who only added a report has no step to take, and the answer (the queue's row) would show
    # what only the requester and staff may read.
    if action not in workflow.TRANSITIONS or not services.sees_everything(current_user, repair):
        abort(404)
    form = ActionForm()
    if not form.validate():
        return _after_action(repair, " ".join(e for errors in form.errors.values() for e in errors), 422,
                             kept_post(action, form))
    try:
        services.act(repair, current_user, action, version=form.version.data, note=form.note.data or "",
                     assignee=db.session.get(User, form.assignee_id.data or 0),
                     wait_reason=form.wait_reason.data or "", parts=form.parts.data or "")
    except services.RepairConflict as exc:
        return _after_action(exc.current, str(exc), 409, kept_post(action, form))
    except services.RepairError as exc:
        return _after_action(repair, str(exc), 422, kept_post(action, form, exc))
    return _after_action(repair)


def _after_action(repair, error: str | None = None, status: int = 200, kept: Kept | None = None):
    """The queue's row in its current state, a refusal or lost race flashed beside it at once (the core
    appends the flash to the fragment); from the detail page, the page again with the message. A refused
    step's form is drawn again with what was typed (a long note is never lost) and the refusal under it."""
    if error:
        flash(error, "error")
    if wants_fragment():
        return render_template("repairs/_queue_row.html", repair=repair, saved=not error, now=utcnow(),
                               **_action_context(repair, kept)), status
    if error:
        return _detail_page(repair, kept), status
    flash(_("Saved: the request is now “%(status)s”.", status=repair.status_label), "success")
    return redirect_after_post(url_for("repairs.detail", repair_id=repair.id))


@bp.get("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    """A request's photo, only for people who may see the request; never cached by shared caches."""
    found = services.photo_for(current_user, photo_id) or abort(404)
    name = services.photo_name(found, request.args.get("thumb"))
    return photo_response(services.PHOTO_KIND, name, max_age=3600) or abort(404)
