"""/tasks/: every task (action items included) with the action list's filters, assigning one, a leader's
overview. A task's page and its moves are the action item's (/actions/<id>): one model, one history."""
from urllib.parse import quote

from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import role_required
from app.auth.services import active_departments
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.meetings import queries as action_queries
from app.meetings.workflow import ActionState
from app.pagecache import cached_page
from app.params import page_arg, to_int
from app.timeutil import today

from . import queries, services
from .blueprint import bp
from .forms import TaskForm
from .workflow import ASSIGNERS, TaskSource


@bp.before_request
@login_required
def guard():
    """Signed-in people only; which tasks each one sees is decided by app.meetings.queries.visible()."""


@bp.get("/")
@cached_page("meetings", "tasks", "calendar", seconds=60)
def index():
    """Filter by source, department, owner, state and overdue, as the action-item list."""
    args = request.args
    source = args.get("source", "")
    page = action_queries.search(current_user, department_id=to_int(args.get("department")),
                                 owner_id=to_int(args.get("owner")), state=args.get("state", ""),
                                 overdue=args.get("overdue") == "1", page=page_arg(),
                                 source=source if TaskSource.of(source) else "")
    return render("tasks/index.html", "meetings/_action_rows.html", page=page, args=args, today=today(),
                  departments=[(d.id, str(d)) for d in active_departments()],
                  states=[(s.value, s.label) for s in ActionState],
                  sources=[(s.value, s.label) for s in TaskSource],
                  owners=action_queries.owner_choices(with_actions_only=True), list_endpoint="tasks.index")


@bp.route("/new", methods=["GET", "POST"])
@role_required(*ASSIGNERS)
def new():
    """Assign a task: owner, working-day deadline and acceptance criterion; a double tap assigns one."""
    form = TaskForm(owners=action_queries.owner_choices())
    if form.validate_on_submit():
        try:
            task_id = services.assign_task(
                current_user, title=form.title.data, details=form.details.data, owner_id=form.owner_id.data,
                deadline=form.deadline.data, acceptance=form.acceptance.data, source=form.source.data,
                source_note=form.source_note.data, token=form.token.data,
                files=request.files.getlist(form.files.name))
        except services.TaskError as exc:
            if not _service_problems(form):  # all of them, not only the first the service met
                attach_error(form, exc)
        else:
            flash(_("The task is assigned; its owner has been told."), "success")
            return redirect_after_post(url_for("actions.detail", action_id=task_id))
    elif form.is_submitted():
        _service_problems(form)
    return render_form("tasks/new.html", "tasks/new.html", form)


def _service_problems(form: TaskForm) -> int:
    """On a refused submit, the service's rules too (owner in a department, deadline a working day not past),
    each on its field unless the field already says what is wrong: every error at once, not one per submit.
    How many were added."""
    added = 0
    for problem in services.problems(form.owner_id.data, form.deadline.data, form.acceptance.data or "",
                                     form.source.data or ""):
        if not getattr(form, problem.field).errors:
            attach_error(form, problem)
            added += 1
    return added


@bp.get("/overview")
@role_required(*ASSIGNERS)
@cached_page("meetings", "tasks", "calendar", seconds=60)
def overview():
    """Everything the signed-in person assigned and has not accepted: overdue, waiting, on track."""
    return render_template("tasks/overview.html", overview=queries.overview(current_user.id), today=today())


@bp.get("/files/<int:file_id>")
def attachment(file_id: int):
    """A task's attached document, only for people who may see the task; it always downloads, never renders."""
    found = services.file_for(current_user, file_id) or abort(404)
    response = make_response(found.data)
    response.mimetype = found.content_type
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.filename, safe='')}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response
