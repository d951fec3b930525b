"""Meeting series: the office and administrators list them, add a group (专项项目协同小组) and change its
members; the liaison meeting's members stay the departments' liaisons."""
from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.auth.services import users_with_role
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render_form
from app.rooms import roomlist

from . import series as series_rules
from .blueprint import bp
from .forms import SeriesForm
from .models import MeetingSeries

MANAGERS = (Role.OFFICE, Role.ADMIN)


@bp.get("/series")
@login_required
@role_required(*MANAGERS)
def series_list():
    """Every series with its members, a link to change it and (for the office) to schedule its next meeting."""
    return render_template("meetings/series.html", series=series_rules.all_series())


def _form(series: MeetingSeries | None, formdata=None) -> SeriesForm:
    group = series is None or series.is_group
    form = SeriesForm(formdata=formdata, obj=series, people=users_with_role(Role.EMPLOYEE) if group else (),
                      rooms=roomlist.active_rooms(), group=group)
    if formdata is None and series is not None:
        form.room_id.data = series.room_id or 0
        if group:
            form.member_ids.data = [person.id for person in series.members]
    return form


def _save(series: MeetingSeries | None, form: SeriesForm):
    """Valid form and every service rule at once (422 with all of them), else saved and back to the list."""
    valid = form.validate()
    values = form.values()
    if form.name.errors:  # a refused name (a NUL byte, too long) is not looked up: PostgreSQL rejects a NUL
        values.pop("name")
    for problem in series_rules.problems(series, values, form.members()):
        field = getattr(form, problem.field or "", None)
        if field is None or not field.errors:
            attach_error(form, problem)
            valid = False
    if not valid:
        return None
    saved = series_rules.save(series, form.values(), form.members())
    flash(_("The series “%(name)s” is saved.", name=saved.label), "success")
    return redirect_after_post(url_for("meetings.series_list"))


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def series_new():
    """A new group with its members (the liaison meeting exists once, already)."""
    form = _form(None, request.form if request.method == "POST" else None)
    if request.method == "POST" and (done := _save(None, form)):
        return done
    return render_form("meetings/series_form.html", "meetings/series_form.html", form, series=None)


@bp.route("/series/<int:series_id>", methods=["GET", "POST"])
@login_required
@role_required(*MANAGERS)
def series_edit(series_id: int):
    series = db.get_or_404(MeetingSeries, series_id)
    form = _form(series, request.form if request.method == "POST" else None)
    if request.method == "POST" and (done := _save(series, form)):
        return done
    return render_form("meetings/series_form.html", "meetings/series_form.html", form, series=series)
