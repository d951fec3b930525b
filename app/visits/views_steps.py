"""Ticking, unticking, skipping and annotating checklist steps, inline by htmx on the visit page and the board."""
from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import Conflict, Refused
from app.extensions import db

from . import steps, workflow
from .blueprint import bp
from .forms import NoteForm, ReasonForm
from .models import VisitStep
from .views import after_action, visit_or_404


def _step_change(visit_id: int, step_id: int, change):
    """Run one change on a step of a visit the user can see; a refusal or a lost race becomes a message
    beside the step as it is now."""
    visit = visit_or_404(visit_id)
    step = db.first_or_404(select(VisitStep).where(VisitStep.id == step_id, VisitStep.visit_id == visit.id))
    if not workflow.permitted(current_user, visit, "tick"):
        abort(403)
    try:
        change(step)
    except (Refused, Conflict) as error:
        return after_action(visit_id, error)
    return after_action(visit_id)


def _field_errors(field) -> str:
    return " ".join(str(e) for e in field.errors)


def _with_reason(run):
    """Unticking and skipping must say why; without a reason nothing changes and the user is told."""
    def change(step):
        form = ReasonForm()
        if not form.validate_on_submit():
            raise steps.StepError(_field_errors(form.reason), "reason")
        run(step, current_user, form.reason.data)
    return change


@bp.post("/<int:visit_id>/steps/<int:step_id>/tick")
@login_required
def tick(visit_id: int, step_id: int):
    return _step_change(visit_id, step_id, lambda step: steps.tick(step, current_user))


@bp.post("/<int:visit_id>/steps/<int:step_id>/untick")
@login_required
def untick(visit_id: int, step_id: int):
    """Reopen a step; the reason is kept in the history beside the original tick."""
    return _step_change(visit_id, step_id, _with_reason(steps.untick))


@bp.post("/<int:visit_id>/steps/<int:step_id>/skip")
@login_required
def skip(visit_id: int, step_id: int):
    return _step_change(visit_id, step_id, _with_reason(steps.skip))


@bp.post("/<int:visit_id>/steps/<int:step_id>/note")
@login_required
def note(visit_id: int, step_id: int):
    form = NoteForm()

    def change(step):
        if not form.validate_on_submit():
            raise steps.StepError(_field_errors(form.note), "note")
        steps.set_note(step, current_user, (form.note.data or "").strip())
    return _step_change(visit_id, step_id, change)


@bp.post("/<int:visit_id>/steps/<int:step_id>/undo")
@login_required
def undo(visit_id: int, step_id: int):
    """Take back one's own tick of the last few minutes from the board, after a wrong tap."""
    return _step_change(visit_id, step_id, lambda step: steps.undo_tick(step, current_user))
