"""/actions/: every action item across meetings, one action item's history, and moving it on."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.services import active_departments
from app.choices import options
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form, wants_fragment
from app.pagecache import cached_page
from app.params import page_arg, to_int
from app.timeutil import today

from . import actions, queries
from .blueprint import actions_bp
from .forms import ProgressForm
from .services import MeetingConflict, MeetingError
from .workflow import ActionState, moves_for


@actions_bp.before_request
@login_required
def guard():
    """Signed-in people only; which action items each one sees is decided by queries.visible()."""


@actions_bp.get("/")
@cached_page("meetings", "tasks", "calendar", seconds=60)
def index():
    """Filter by department, owner, state and overdue; a liaison's own department comes first."""
    args = request.args
    page = queries.search(current_user, department_id=to_int(args.get("department")),
                          owner_id=to_int(args.get("owner")), state=args.get("state", ""),
                          overdue=args.get("overdue") == "1", page=page_arg())
    return render("meetings/actions.html", "meetings/_action_rows.html", page=page, args=args, today=today(),
                  departments=[(d.id, str(d)) for d in active_departments()],
                  states=[(s.value, s.label) for s in ActionState],
                  owners=queries.owner_choices(with_actions_only=True))


def _visible_or_404(action_id: int):
    return queries.get_visible(current_user, action_id) or abort(404)


@actions_bp.get("/<int:action_id>")
@cached_page("meetings", "tasks", "calendar", seconds=60)
def detail(action_id: int):
    action = _visible_or_404(action_id)
    moves = moves_for(current_user, action)
    return render_template("meetings/action_detail.html", action=action, moves=moves, today=today(),
                           form=_progress_form(action, moves))


@actions_bp.get("/<int:action_id>/history")
def history(action_id: int):
    """An action item's steps, loaded when someone opens them in the follow-up section."""
    return render("meetings/action_detail.html", "meetings/_history.html", action=_visible_or_404(action_id),
                  moves=[], form=None, today=today())


def _progress_form(action, moves, formdata=None) -> ProgressForm:
    form = ProgressForm(formdata=formdata, prefix=f"progress{action.id}", moves=moves)
    if formdata is None:
        form.version.data = action.version
    return form


@actions_bp.route("/<int:action_id>/move", methods=["GET", "POST"])
def move(action_id: int):
    """Report progress, report done, accept or send back — whatever the state table allows this person."""
    action = _visible_or_404(action_id)
    moves = moves_for(current_user, action)
    if not moves:
        abort(403)
    form = _progress_form(action, moves, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            actions.make_move(current_user, action, form.move.data, form.note.data or "", int(form.version.data or 0),
                              percent=form.percent.data)
        except MeetingConflict as conflict:
            return _move_form(conflict.current, _show_conflict(form, conflict), form, status=409)
        except MeetingError as exc:
            attach_error(form, exc)
        else:
            return _moved(action_id)
    return _move_form(action, moves, form)


def _move_form(action, moves, form, status=None):
    """The move form inline (follow-up section) or on a page; 422 when it has errors unless `status` says."""
    context = {"action": action, "moves": moves, "inline": wants_fragment(), "fragment": "meetings/_move_form.html"}
    if status is not None:
        return render("meetings/panel.html", "meetings/_move_form.html", status=status, form=form, **context)
    return render_form("meetings/panel.html", "meetings/_move_form.html", form=form, **context)


def _show_conflict(form: ProgressForm, conflict: MeetingConflict) -> list:
    """Someone moved the action item first: say so, and offer the moves that fit its state now."""
    attach_error(form, conflict)
    moves = moves_for(current_user, conflict.current)
    form.version.data, form.move.choices = conflict.current.version, options((m.name, m.label) for m in moves)
    return moves


def _moved(action_id: int):
    """Inline (follow-up section): clear the form and redraw the row, the message arriving with it (the
    flash hook); otherwise back to the action item."""
    flash(_("The action item is updated."), "success")
    if not wants_fragment():
        return redirect_after_post(url_for("actions.detail", action_id=action_id))
    action = queries.get_visible(current_user, action_id)
    return render_template("meetings/_moved.html", action=action, today=today(),
                           action_moves=lambda a: moves_for(current_user, a)), 200, {"HX-Trigger": "meeting-changed"}
