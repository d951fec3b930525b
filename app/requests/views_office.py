"""The office's pages: every open request, the figures per department and type, hand-overs, the export,
the catalogue of request types and the handler list."""
from flask import abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.pagecache import cached_page
from app.params import int_arg, page_arg, text_arg
from app.spreadsheets import csv_bytes, xlsx_bytes
from app.timeutil import utcnow

from . import queries, services, stats
from .blueprint import bp
from .forms import HandlerForm, TypeForm
from .models import RequestHandler, RequestType, department_name

MANAGERS = (Role.OFFICE, Role.ADMIN)


@bp.get("/office")
@login_required
@role_required(Role.OFFICE)
@cached_page("requests", "calendar", seconds=60)
def office():
    """Every open request by department and type, overdue first; the figures over 30 or 90 days; hand-overs."""
    days = 90 if int_arg("days") == 90 else 30
    department_id = int_arg("department")
    page = queries.open_requests(page_arg(), department_id)
    return render("requests/office.html", "requests/_office_rows.html", page=page, now=utcnow(), days=days,
                  figures=stats.table(days), hand_overs=queries.hand_overs(), departments=services.departments(),
                  department_id=department_id)


def _export_rows():
    yield [_("Number"), _("Type"), _("Department"), _("Requester"), _("Handler"), _("Status"), _("Filed"),
           _("Answer due"), _("First answer"), _("Completion due"), _("Done"), _("Request"), _("Answer")]
    for item in queries.export_rows():
        yield [item.id, item.type.name, department_name(item.department), item.requester.name,
               item.handler.name if item.handler else "", str(item.status_label), item.created_at,
               item.answer_due, item.answered_at, item.complete_due, item.done_at, item.text, item.answer]


@bp.get("/office/export")
@login_required
@role_required(Role.OFFICE)
def export():
    """Every request as CSV (default) or XLSX (?format=xlsx) for the office."""
    stamp = utcnow().strftime("%Y%m%d")
    if text_arg("format") == "xlsx":
        body, mimetype, ext = xlsx_bytes(_export_rows(), _("Requests")), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    else:
        body, mimetype, ext = csv_bytes(_export_rows()), "text/csv", "csv"
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f"attachment; filename=requests-{stamp}.{ext}"
    return response


@bp.get("/types")
@login_required
@role_required(*MANAGERS)
def types():
    rows = db.session.scalars(db.select(RequestType).order_by(RequestType.id)).all()
    return render("requests/types.html", "requests/types.html", types=rows)


def _type_data(form: TypeForm) -> dict:
    return {"name_zh": form.name_zh.data.strip(), "name_en": form.name_en.data.strip(),
            "department_id": form.department_id.data, "guidance": (form.guidance.data or "").strip(),
            "fields_spec": (form.fields_spec.data or "").strip(), "answer_days": form.answer_days.data,
            "complete_days": form.complete_days.data, "active": form.active.data,
            "filer_department_ids": ",".join(str(i) for i in sorted(set(form.filer_ids.data or [])))}


@bp.route("/types/new", methods=["GET", "POST"], defaults={"type_id": None})
@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def edit_type(type_id):
    """Create or change a catalogue entry; bad input is shown on its fields, what was typed kept."""
    request_type = db.session.get(RequestType, type_id) if type_id else None
    if type_id and request_type is None:
        abort(404)
    form = TypeForm(obj=request_type, departments=services.departments())
    if request_type is not None and not form.is_submitted():
        form.filer_ids.data = sorted(request_type.filer_ids)
    if form.validate_on_submit():
        try:
            services.save_type(request_type, _type_data(form))
        except services.RequestError as exc:
            attach_error(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect_after_post(url_for("requests.types"))
    return render_form("requests/type_form.html", "requests/type_form.html", form, request_type=request_type)


@bp.route("/handlers", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def handlers():
    """Who answers each department's requests (a per-department handler list)."""
    form = HandlerForm(departments=services.departments())
    if form.validate_on_submit():
        try:
            services.add_handler(form.login.data, form.department_id.data)
        except services.RequestError as exc:
            attach_error(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect_after_post(url_for("requests.handlers"))
    rows = db.session.scalars(db.select(RequestHandler).order_by(RequestHandler.department_id,
                                                                 RequestHandler.id)).all()
    return render_form("requests/handlers.html", "requests/handlers.html", form, rows=rows)


@bp.post("/handlers/<int:handler_id>/remove")
@login_required
@role_required(*MANAGERS)
def remove_handler(handler_id: int):
    services.remove_handler(handler_id) or abort(404)
    flash(_("Removed."), "success")
    return redirect(url_for("requests.handlers"), 303)


