"""Checklist templates per visit type (office and administrators); the room list moved to app/rooms."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.htmx import redirect_after_post, render_form, wants_fragment

from . import checklist
from .blueprint import bp
from .forms import TemplateStepForm
from .models import TemplateStep, VisitType

EDITORS = (Role.OFFICE, Role.ADMIN)


def _template_or_404(visit_type: str):
    """The visit type's template; every type has one from migration 0008 (or the seeder, in a test). A type
    that is none of ours (a NUL, a 100,000-character value) is not looked up at all."""
    if VisitType.of(visit_type) is None:
        abort(404)
    return checklist.template_for(visit_type) or abort(404)


def _steps_response(template, form=None):
    return render_form("visits/templates.html", "visits/_template_steps.html", form or TemplateStepForm(),
                       template=template, templates=checklist.all_templates())


@bp.get("/templates")
@login_required
@role_required(*EDITORS)
def templates():
    """One visit type's checklist (?type=…); a change here applies to visits created afterwards, never to
    existing ones."""
    visit_type = request.args.get("type", "")
    # An unknown type in the address is a filter to ignore: the page shows the first type.
    return _steps_response(_template_or_404(visit_type if VisitType.of(visit_type) else VisitType.CUSTOMER.value))


@bp.post("/templates/<visit_type>/steps")
@login_required
@role_required(*EDITORS)
def add_template_step(visit_type: str):
    template = _template_or_404(visit_type)
    form = TemplateStepForm()
    if not form.validate_on_submit():
        return _steps_response(template, form)
    checklist.save_template_step(TemplateStep(), template, **form.values())
    flash(_("The step is added."), "success")
    return redirect_after_post(url_for("visits.templates", type=visit_type))


@bp.route("/templates/steps/<int:template_step_id>", methods=["GET", "POST"])
@login_required
@role_required(*EDITORS)
def edit_template_step(template_step_id: int):
    step = db.get_or_404(TemplateStep, template_step_id)
    form = TemplateStepForm(obj=step)
    if request.method == "GET":
        form.load(step)
    elif form.validate_on_submit():
        checklist.save_template_step(step, step.template, **form.values())
        flash(_("The step is saved."), "success")
        return redirect_after_post(url_for("visits.templates", type=step.template.visit_type))
    return render_form("visits/template_step.html", "visits/template_step.html", form, step=step)


def _after_template_change(template, conflict: checklist.TemplateConflict | None = None):
    """The template's list as it is now; after a lost race (the step was removed meanwhile) a 409 that says so."""
    if conflict is not None:
        flash(str(conflict), "error")
    status = 409 if conflict else 200
    if wants_fragment():
        return render_template("visits/_template_steps.html", template=template), status
    if conflict:
        return _steps_response(template), status
    return redirect_after_post(url_for("visits.templates", type=template.visit_type))


@bp.post("/templates/steps/<int:template_step_id>/move")
@login_required
@role_required(*EDITORS)
def move_template_step(template_step_id: int):
    """Move a step one place up or down; htmx swaps the reordered list in place."""
    step = db.get_or_404(TemplateStep, template_step_id)
    template = step.template
    try:
        checklist.move_template_step(step, -1 if request.form.get("direction") == "up" else 1)
    except checklist.TemplateConflict as conflict:
        return _after_template_change(_template_or_404(template.visit_type), conflict)
    return _after_template_change(template)


@bp.post("/templates/steps/<int:template_step_id>/delete")
@login_required
@role_required(*EDITORS)
def delete_template_step(template_step_id: int):
    step = db.get_or_404(TemplateStep, template_step_id)
    visit_type = step.template.visit_type
    try:
        template = checklist.remove_template_step(step)
    except checklist.TemplateConflict as conflict:
        return _after_template_change(_template_or_404(visit_type), conflict)
    return _after_template_change(template)


@bp.get("/rooms")
@login_required
@role_required(*EDITORS)
def rooms_list():
    """The room list is shared now (app/rooms): the old address leads there."""
    return redirect(url_for("rooms.manage"), code=301)
