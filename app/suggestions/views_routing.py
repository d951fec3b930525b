"""Routing: the office hands a suggestion to a department; the department's handlers see their list and draft
the answer, which the office reviews and publishes. A department's pages show no author."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import Department
from app.auth.roles import Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render
from app.pagecache import cached_page
from app.params import page_arg
from app.requests.services import is_handler
from app.timeutil import utcnow

from . import routing
from .answers import StaleSuggestion
from .blueprint import bp
from .forms import DepartmentDraftForm, RouteForm
from .views import suggestion_or_404
from .views_triage import _office_page
from .workflow import TransitionError


@bp.post("/<bigint:suggestion_id>/route")
@login_required
@role_required(Role.OFFICE)
def route(suggestion_id: int):
    """Give the suggestion to a department with a deadline in working days; a refusal keeps the choice."""
    suggestion = suggestion_or_404(suggestion_id)
    form = RouteForm(departments=routing.departments())
    if form.validate_on_submit():
        try:
            given = routing.route(suggestion, current_user, db.session.get(Department, form.department_id.data),
                                  form.working_days.data)
        except routing.SuggestionError as exc:
            attach_error(form, exc)
        except StaleSuggestion as exc:
            flash(str(exc.message), "error")
            return _office_page(suggestion_or_404(suggestion_id), status=409)
        else:
            flash(_("Routed to %(department)s.", department=str(given.department)), "success")
            return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
    return _office_page(suggestion, route_form=form)


def _handler_only() -> None:
    if not is_handler(current_user):
        abort(403)


@bp.get("/routed")
@login_required
@cached_page("suggestions", "requests", "calendar", seconds=60)
def routed():
    """The department's list: suggestions the office routed to it, waiting ones first, soonest due first."""
    _handler_only()
    return render("suggestions/routed.html", "suggestions/_routed_rows.html",
                  page=routing.routed_to(current_user, page_arg()), now=utcnow())


def _routed_or_404(suggestion_id: int):
    _handler_only()
    return routing.get_routed(current_user, suggestion_id) or abort(404)


@bp.get("/routed/<bigint:suggestion_id>")
@login_required
@cached_page("suggestions", "requests", "calendar", seconds=60)
def routed_detail(suggestion_id: int):
    given = _routed_or_404(suggestion_id)
    return _routed_page(given, DepartmentDraftForm(obj=routing.draft_of(given.suggestion),
                                                   version=given.suggestion.version))


def _routed_page(given, form, status: int = 200):
    return render_template("suggestions/routed_detail.html", routing=given, suggestion=given.suggestion,
                           form=form, now=utcnow()), status


@bp.post("/routed/<bigint:suggestion_id>/draft")
@login_required
def routed_draft(suggestion_id: int):
    """Save the department's draft for the office; refused input comes back with the text kept (422)."""
    given = _routed_or_404(suggestion_id)
    form = DepartmentDraftForm()
    if form.validate_on_submit():
        try:
            routing.draft(given, current_user, version=form.version.data, status_to=form.status_to.data,
                          body=form.body.data or "", plan=form.plan.data or "", target_date=form.target_date.data)
        except (TransitionError, routing.SuggestionError) as exc:
            attach_error(form, exc)
        except StaleSuggestion as exc:
            db.session.expire_all()
            flash(str(exc.message), "error")
            return _routed_page(_routed_or_404(suggestion_id), form, 409)
        else:
            flash(_("The draft is sent to the office, which reviews and publishes it."), "success")
            return redirect_after_post(url_for("suggestions.routed"))
    return _routed_page(given, form, 422)
