"""Checklist templates per visit type and the meeting-room list (office and administrators)."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.auth.roles import Role, role_required
from app.extensions import db
from app.htmx import redirect_after_post, render, wants_fragment

from . import checklist, rooms
from .blueprint import bp
from .forms import RoomForm, TemplateStepForm
from .models import VISIT_TYPES, Room, TemplateStep

EDITORS = (Role.OFFICE, Role.ADMIN)


def _template_or_404(visit_type: str):
    if visit_type not in VISIT_TYPES:
        abort(404)
    return checklist.template_for(visit_type)


def _steps_response(template, form=None, status=200):
    return render("visits/templates.html", "visits/_template_steps.html", status=status, template=template,
                  templates=checklist.all_templates(), form=form or TemplateStepForm(),
                  timing_label=checklist.timing_label)


@bp.get("/templates")
@login_required
@role_required(*EDITORS)
def templates():
    """One visit type's checklist (?type=…); a change here applies to visits created afterwards, never to
    existing ones."""
    return _steps_response(_template_or_404(request.args.get("type", "customer")))


@bp.post("/templates/<visit_type>/steps")
@login_required
@role_required(*EDITORS)
def add_template_step(visit_type: str):
    template = _template_or_404(visit_type)
    form = TemplateStepForm()
    if not form.validate_on_submit():
        return _steps_response(template, form, 422)
    checklist.save_template_step(TemplateStep(), template, **form.values())
    flash(_("The step is added."), "success")
    return redirect_after_post(url_for("visits.templates", type=visit_type))


def _step_or_404(step_id: int) -> TemplateStep:
    return db.session.scalar(select(TemplateStep).where(TemplateStep.id == step_id)) or abort(404)


@bp.route("/templates/steps/<int:template_step_id>", methods=["GET", "POST"])
@login_required
@role_required(*EDITORS)
def edit_template_step(template_step_id: int):
    step = _step_or_404(template_step_id)
    form = TemplateStepForm(obj=step)
    if request.method == "GET":
        form.load(step)
    elif form.validate_on_submit():
        checklist.save_template_step(step, step.template, **form.values())
        flash(_("The step is saved."), "success")
        return redirect_after_post(url_for("visits.templates", type=step.template.visit_type))
    return render_template("visits/template_step.html", form=form, step=step), 422 if form.errors else 200


def _after_template_change(template):
    if wants_fragment():
        return render_template("visits/_template_steps.html", template=template,
                               timing_label=checklist.timing_label)
    return redirect_after_post(url_for("visits.templates", type=template.visit_type))


@bp.post("/templates/steps/<int:template_step_id>/move")
@login_required
@role_required(*EDITORS)
def move_template_step(template_step_id: int):
    """Move a step one place up or down; htmx swaps the reordered list in place."""
    step = _step_or_404(template_step_id)
    checklist.move_template_step(step, -1 if request.form.get("direction") == "up" else 1)
    return _after_template_change(step.template)


@bp.post("/templates/steps/<int:template_step_id>/delete")
@login_required
@role_required(*EDITORS)
def delete_template_step(template_step_id: int):
    step = _step_or_404(template_step_id)
    template = step.template
    checklist.remove_template_step(step)
    return _after_template_change(template)


@bp.route("/rooms", methods=["GET", "POST"])
@login_required
@role_required(*EDITORS)
def rooms_list():
    """The meeting rooms offered when planning a visit; free text stays possible for anything else."""
    form = RoomForm()
    if form.validate_on_submit():
        try:
            rooms.add_room(form.name.data)
        except rooms.RoomError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("The room is added."), "success")
            return redirect_after_post(url_for("visits.rooms_list"))
    return _rooms_page(form), 422 if form.errors else 200


def _rename_form(room: Room, formdata=None) -> RoomForm:
    # One form per row: the prefix keeps field ids unique on the page.
    if formdata is None:
        return RoomForm(prefix=f"room-{room.id}", formdata=None, name=room.name)
    return RoomForm(prefix=f"room-{room.id}")


def _rooms_page(form: RoomForm, failed: RoomForm | None = None, failed_id: int | None = None):
    all_rooms = rooms.all_rooms()
    rename_forms = {room.id: _rename_form(room) for room in all_rooms}
    if failed is not None:
        rename_forms[failed_id] = failed
    return render_template("visits/rooms.html", form=form, rooms=all_rooms, rename_forms=rename_forms)


@bp.post("/rooms/<int:room_id>/name")
@login_required
@role_required(*EDITORS)
def rename_room(room_id: int):
    room = db.session.get(Room, room_id) or abort(404)
    form = _rename_form(room, request.form)
    if form.validate_on_submit():
        try:
            rooms.rename_room(room, form.name.data)
        except rooms.RoomError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            if wants_fragment():
                return render_template("visits/_room_row.html", room=room, rename_form=_rename_form(room))
            flash(_("The room is renamed."), "success")
            return redirect_after_post(url_for("visits.rooms_list"))
    if wants_fragment():
        return render_template("visits/_room_row.html", room=room, rename_form=form), 422
    return _rooms_page(RoomForm(), form, room.id), 422


@bp.post("/rooms/<int:room_id>/active")
@login_required
@role_required(*EDITORS)
def set_room_active(room_id: int):
    room = db.session.get(Room, room_id) or abort(404)
    rooms.set_active(room, request.form.get("active") == "1")
    return redirect_after_post(url_for("visits.rooms_list"))
