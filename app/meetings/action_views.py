"""/actions/: every action item across meetings, one action item's history, and moving it on."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.services import active_departments
from app.choices import options
from app.htmx import redirect_after_post, render, wants_fragment

from . import actions, states
from .forms import ProgressForm
from .services import Conflict, MeetingError

actions_bp = Blueprint("actions", __name__, url_prefix="/actions")


@actions_bp.before_request
@login_required
def guard():
    """Signed-in people only; which action items each one sees is decided by actions.visible()."""


@actions_bp.context_processor
def labels():
    return {"states": states, "today": actions.today()}


@actions_bp.get("/")
def index():
    """Filter by department, owner, state and overdue; a liaison's own department comes first."""
    args = request.args
    page = actions.search(current_user, department_id=args.get("department", type=int),
                          owner_id=args.get("owner", type=int), state=args.get("state", ""),
                          overdue=args.get("overdue") == "1", page=args.get("page", 1, type=int))
    return render("meetings/actions.html", "meetings/_action_rows.html", page=page, args=args,
                  departments=active_departments(), owners=actions.owner_choices(with_actions_only=True))


def _visible_or_404(action_id: int):
    return actions.get_visible(current_user, action_id) or abort(404)


@actions_bp.get("/<int:action_id>")
def detail(action_id: int):
    action = _visible_or_404(action_id)
    return render_template("meetings/action_detail.html", action=action, moves=actions.moves_for(current_user, action),
                           form=_progress_form(action, actions.moves_for(current_user, action)))


@actions_bp.get("/<int:action_id>/history")
def history(action_id: int):
    """An action item's steps, loaded when someone opens them in the follow-up section."""
    return render("meetings/action_detail.html", "meetings/_history.html", action=_visible_or_404(action_id),
                  moves=[], form=None)


def _progress_form(action, moves, formdata=None) -> ProgressForm:
    form = ProgressForm(formdata=formdata, prefix=f"progress{action.id}", moves=moves)
    if formdata is None:
        form.version.data = action.version
    return form


@actions_bp.route("/<int:action_id>/move", methods=["GET", "POST"])
def move(action_id: int):
    """Report progress, report done, accept or send back — whatever the state table allows this person."""
    action = _visible_or_404(action_id)
    moves = actions.moves_for(current_user, action)
    if not moves:
        abort(403)
    form = _progress_form(action, moves, request.form if request.method == "POST" else None)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            actions.make_move(current_user, action, form.move.data, form.note.data or "", int(form.version.data or 0))
        except Conflict as conflict:
            action, moves, status = conflict.current, _show_conflict(form, conflict.current), 409
        except MeetingError as exc:
            form.form_errors.append(str(exc))
        else:
            return _moved(action_id)
    return render("meetings/panel.html", "meetings/_move_form.html", status=status, action=action,
                  moves=moves, form=form, inline=wants_fragment(), fragment="meetings/_move_form.html")


def _show_conflict(form: ProgressForm, current) -> list:
    """Someone moved the action item first: say so, and offer the moves that fit its state now."""
    form.form_errors.append(_("Someone else moved this action item first; it is now: %(state)s. "
                              "Check it and try again.", state=states.ACTION_LABELS[current.state]))
    moves = actions.moves_for(current_user, current)
    form.version.data, form.move.choices = current.version, options((m.name, m.label) for m in moves)
    return moves


def _moved(action_id: int):
    """Inline (follow-up section): clear the form and redraw the row; otherwise back to the action item."""
    flash(_("The action item is updated."), "success")
    if not wants_fragment():
        return redirect_after_post(url_for("actions.detail", action_id=action_id))
    action = actions.get_visible(current_user, action_id)
    return render_template("meetings/_moved.html", action=action,
                           action_moves=lambda a: actions.moves_for(current_user, a)), 200, {"HX-Trigger": "meeting-changed"}
