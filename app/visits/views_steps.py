"""Ticking, unticking, skipping and annotating checklist steps, inline by htmx on the visit page and the board."""
from flask import abort, flash
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db

from . import checklist, services, workflow
from .blueprint import bp
from .forms import NoteForm, ReasonForm
from .models import VisitStep
from .views import after_action


def _step_change(visit_id: int, step_id: int, change):
    """Run one change on a step of a visit the user can see; a lost race or a bad reason becomes a message."""
    visit = services.visible_or_404(current_user, visit_id)
    step = db.session.scalar(select(VisitStep).where(VisitStep.id == step_id, VisitStep.visit_id == visit.id))
    if step is None:
        abort(404)
    if not workflow.permitted(current_user, visit, "tick"):
        abort(403)
    try:
        change(step)
    except checklist.StepConflict as conflict:
        flash(str(conflict), "error")
    return after_action(services.visible_or_404(current_user, visit_id))


def _with_reason(run):
    """Unticking and skipping must say why; without a reason nothing changes and the user is told."""
    def change(step):
        form = ReasonForm()
        if not form.validate_on_submit():
            raise checklist.StepConflict(" ".join(str(e) for e in form.reason.errors))
        run(step, current_user, form.reason.data.strip())
    return change


@bp.post("/<int:visit_id>/steps/<int:step_id>/tick")
@login_required
def tick(visit_id: int, step_id: int):
    return _step_change(visit_id, step_id, lambda step: checklist.tick(step, current_user))


@bp.post("/<int:visit_id>/steps/<int:step_id>/untick")
@login_required
def untick(visit_id: int, step_id: int):
    """Reopen a step; the reason is kept in the history beside the original tick."""
    return _step_change(visit_id, step_id, _with_reason(checklist.untick))


@bp.post("/<int:visit_id>/steps/<int:step_id>/skip")
@login_required
def skip(visit_id: int, step_id: int):
    return _step_change(visit_id, step_id, _with_reason(checklist.skip))


@bp.post("/<int:visit_id>/steps/<int:step_id>/note")
@login_required
def note(visit_id: int, step_id: int):
    form = NoteForm()

    def change(step):
        if not form.validate_on_submit():
            raise checklist.StepConflict(" ".join(str(e) for e in form.note.errors))
        checklist.set_note(step, current_user, (form.note.data or "").strip())
    return _step_change(visit_id, step_id, change)


@bp.post("/<int:visit_id>/steps/<int:step_id>/undo")
@login_required
def undo(visit_id: int, step_id: int):
    """Take back one's own tick of the last few minutes from the board, after a wrong tap."""
    return _step_change(visit_id, step_id, lambda step: checklist.undo_tick(step, current_user))
