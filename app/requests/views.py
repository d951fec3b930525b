"""My requests, filing one (phone first), the detail page, workflow steps, attachments, the department inbox."""
from urllib.parse import quote

from flask import abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import Department
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.pagecache import cached_page
from app.params import int_arg, page_arg
from app.timeutil import utcnow
from app.uploads import photo_response

from . import fields, queries, services, workflow
from .blueprint import bp
from .forms import ActionForm, RequestForm


@bp.get("/")
@login_required
@cached_page("requests", "calendar", seconds=60)
def index():
    """My requests with their clocks; a handler also finds the inbox link here."""
    page = queries.mine(current_user, page_arg())
    return render("requests/index.html", "requests/_mine_rows.html", page=page, now=utcnow(),
                  is_handler=services.is_handler(current_user))


def _chosen_type(form: RequestForm, types):
    return next((t for t in types if t.id == form.type_id.data), None)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a request in under a minute: the type (its guidance and extra fields appear), words, files."""
    types = services.fileable_types(current_user)
    form = RequestForm(types=types)
    if request.method == "GET":
        form.type_id.data = int_arg("type", 0) or 0
    chosen = _chosen_type(form, types)
    extra_fields = fields.parse(chosen.fields_spec) if chosen else []
    extra_errors = {}
    if request.method == "POST":
        uploads = request.files.getlist(form.files.name)
        valid = form.validate_on_submit()
        extra, extra_errors = fields.read(extra_fields, request.form, any(f and f.filename for f in uploads))
        if valid and not extra_errors:
            try:
                filed = services.file_request(current_user, chosen, text=form.text.data, extra=extra,
                                              files=uploads, token=form.token.data)
            except services.RequestError as exc:
                attach_error(form, exc)
            else:
                if filed.request_id is not None:
                    flash(_("Your request #%(id)d is filed. You will be told of every step.", id=filed.request_id),
                          "success")
                return redirect_after_post(filed.url)
    return render_form("requests/new.html", "requests/new.html", form, chosen=chosen, extra_fields=extra_fields,
                       extra_errors=extra_errors, values=request.form)


@bp.get("/<int:request_id>")
@login_required
@cached_page("requests", "calendar", "satisfaction", seconds=60)
def detail(request_id: int):
    """Everything about one request: words, extra fields, files, clocks, timeline and this viewer's steps."""
    item = services.get_visible(current_user, request_id) or abort(404)
    return render_template("requests/detail.html", item=item, now_utc=utcnow(), **_action_context(item))


def _others(item) -> list:
    """The departments a request may be handed over to: every active one but its own."""
    return [d for d in services.departments() if d.id != item.department_id]


def _action_context(item, failed: str = "", posted: ActionForm | None = None) -> dict:
    """This viewer's steps; after a refused step, `failed` names it and `posted` is its form, so its note is
    drawn again with the error on its field instead of a blank form."""
    actions = workflow.allowed_actions(current_user, item, services.handler_departments(current_user))
    hands_over = any(a.name == "hand_over" for a in actions)
    if posted is None:
        posted = ActionForm(departments=_others(item) if hands_over else [], formdata=None)
    return {"actions": actions, "action_form": posted, "failed": failed}


@bp.post("/<int:request_id>/act/<action>")
@login_required
def act(request_id: int, action: str):
    """One workflow step. A refused one (a missing note or department, a stale or forbidden click) draws the
    page again with what was typed and the error on its field (422; 409 for a lost race)."""
    item = services.get_visible(current_user, request_id) or abort(404)
    if action not in workflow.TRANSITIONS:
        abort(404)
    form = ActionForm(departments=_others(item))
    status = 422
    if form.validate():
        try:
            services.act(item, current_user, action, version=form.version.data, note=form.note.data or "",
                         department=db.session.get(Department, form.department_id.data or 0))
        except services.RequestConflict as exc:
            flash(str(exc), "error")
            status = 409
        except services.RequestError as exc:
            if exc.field:
                attach_error(form, exc)
            else:
                flash(str(exc), "error")  # the step itself is gone: no form of it left to carry the message
        else:
            flash(_("Saved: the request is now “%(status)s”.", status=item.status_label), "success")
            return redirect_after_post(url_for("requests.detail", request_id=item.id))
    return render_template("requests/detail.html", item=item, now_utc=utcnow(),
                           **_action_context(item, action, form)), status


@bp.get("/files/<int:file_id>")
@login_required
def attachment(file_id: int):
    """An attachment, only for people who may see its request; documents always download, never render."""
    found = services.file_for(current_user, file_id) or abort(404)
    if found.is_photo:
        name = found.photo_name.replace(".jpg", ".thumb.jpg") if request.args.get("thumb") == "1" else found.photo_name
        return photo_response(services.PHOTO_KIND, name, max_age=3600) or abort(404)
    response = make_response(found.data)
    response.mimetype = found.content_type
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.filename, safe='')}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


@bp.get("/inbox")
@login_required
@cached_page("requests", "calendar", seconds=60)
def inbox():
    """The open requests of the departments this handler answers for, overdue first."""
    departments = services.handler_departments(current_user)
    if not departments:
        abort(403)
    page = queries.inbox(departments, page_arg())
    return render("requests/inbox.html", "requests/_inbox_rows.html", page=page, now=utcnow())
