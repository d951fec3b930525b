"""Visits: my visits, planning or requesting one, the visit page, and its status changes."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import idempotency
from app.auth.roles import Role, role_required
from app.auth.services import active_departments
from app.htmx import redirect_after_post, render, wants_fragment
from app.timeutil import to_local, utcnow

from . import checklist, queries, services, workflow
from .blueprint import bp
from .forms import AcceptForm, NoteForm, ReasonForm, VisitForm
from .models import EVENT_LABELS, Visit
from .views_board import board_card


def _tabs(user) -> list:
    tabs = [("visits.index", _("My visits"))]
    if user.has_any_role(*services.STAFF):
        tabs += [("visits.today", _("Front desk")), ("visits.register", _("Register"))]
    if user.has_any_role(Role.OFFICE, Role.ADMIN):
        tabs += [("visits.templates", _("Checklist templates")), ("visits.rooms_list", _("Meeting rooms"))]
    return tabs


@bp.context_processor
def visit_helpers() -> dict:
    """Tabs by role and the labels every visits template uses."""
    return {"visit_tabs": _tabs(current_user) if current_user.is_authenticated else [],
            "timing_label": checklist.timing_label, "event_label": lambda action: EVENT_LABELS.get(action, action)}


@bp.get("/")
@login_required
def index():
    """The visits I host, co-host, own or asked for; reception and office see all upcoming visits."""
    show = request.args.get("show", "upcoming")
    page = queries.my_visits(current_user, show, request.args.get("page", 1, type=int))
    return render("visits/index.html", "visits/_rows.html", page=page, show=show,
                  staff=current_user.has_any_role(*services.STAFF))


def _visit_form(visit=None, **kwargs) -> VisitForm:
    """The visit form with its choices: the host and co-hosts are listed by the department picked (the
    inline check re-renders the lists when it changes), starting from the visit's or the user's own."""
    planning = current_user.has_any_role(*services.STAFF) or (visit is not None and visit.owner_id)
    args = request.form
    department = args.get("host_department_id", type=int)
    if department is None:
        department = visit.host_department_id if visit else current_user.department_id
    cohost_department = args.get("cohost_department", type=int, default=department)
    host_id = args.get("host_id", type=int) or (visit.host_id if visit else current_user.id)
    cohost_ids = [int(i) for i in args.getlist("cohost_ids") if i.isdigit()] or (
        [u.id for u in visit.cohosts] if visit else [])
    return VisitForm(hosts=services.people_to_choose(department, [host_id]),
                     cohosts=services.people_to_choose(cohost_department, cohost_ids),
                     departments=active_departments(), rooms=services.active_rooms(),
                     owners=services.owner_candidates() if planning else None, **kwargs)


def _apply_error(form: VisitForm, error: services.VisitError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error.message))


def _inline_check(form: VisitForm, visit=None):
    """Inline validation while the form is filled in: the same form class and rules as saving, but only
    fields the user has already filled show their errors, and nothing is saved."""
    form.validate()
    if form.expected_arrival.data and form.expected_departure.data:
        stored = visit or Visit()
        requires_owner = "owner_id" in form and (visit is None or visit.status != "requested")
        for problem in services.visit_problems(form.to_data(), stored, requires_owner):
            _apply_error(form, problem)
    for field in form:
        if not any(str(value).strip() not in ("", "0") for value in (field.raw_data or [])):
            field.errors = []
    form.form_errors = []
    failed = any(field.errors for field in form)
    return render_template("visits/_visit_fields.html", form=form, visit=visit,
                           offer_different_group=_offers_different_group(form, visit)), 422 if failed else 200


def _offers_different_group(form: VisitForm, visit=None) -> bool:
    """The "different group" box comes with the warning about the same organisation already expected at that
    time, for reception and office planning a new visit; otherwise it stays out of the way."""
    if visit is not None or "different_group" not in form:
        return False
    if not (form.organisation.data and form.expected_arrival.data and form.expected_departure.data):
        return False
    return services.duplicate_of(form.to_data()) is not None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Reception and office plan a visit with its owner; any other employee requests one."""
    form = _visit_form()
    if request.form.get("check"):
        return _inline_check(form)
    if request.method == "GET":
        form.token.data = idempotency.new_token()
        form.host_id.data = 0 if current_user.has_any_role(*services.STAFF) else current_user.id
        form.host_department_id.data = form.cohost_department.data = current_user.department_id or 0
    if form.validate_on_submit():
        try:
            visit = services.create_visit(current_user, form.to_data(), form.token.data)
        except services.VisitError as error:
            _apply_error(form, error)
        else:
            flash(_("The visit is planned.") if visit.status == "planned"
                  else _("Your request is sent; the office will name an owner."), "success")
            return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    return render_template("visits/form.html", form=form, visit=None,
                           offer_different_group=_offers_different_group(form)), \
        422 if form.errors or form.form_errors else 200


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    visit = services.visible_or_404(current_user, visit_id)
    if not workflow.permitted(current_user, visit, "edit"):
        abort(403)
    if not workflow.may(current_user, visit, "edit"):
        flash(str(workflow.CONFLICT_MESSAGES["edit"]), "error")
        return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    form = _visit_form(visit, obj=visit)
    if request.form.get("check"):
        return _inline_check(form, visit)
    if request.method == "GET":
        _load_visit(form, visit)
    elif form.validate_on_submit():
        try:
            services.update_visit(current_user, visit, form.to_data(), int(form.version.data or 0))
        except services.VisitError as error:
            _apply_error(form, error)
        else:
            flash(_("The visit is saved."), "success")
            return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    return render_template("visits/form.html", form=form, visit=visit), 422 if form.errors or form.form_errors else 200


def _load_visit(form: VisitForm, visit) -> None:
    form.expected_arrival.data = to_local(visit.expected_arrival).replace(tzinfo=None)
    form.expected_departure.data = to_local(visit.expected_departure).replace(tzinfo=None)
    form.room_id.data = visit.room_id or 0
    form.host_department_id.data = form.cohost_department.data = visit.host_department_id or 0
    form.cohost_ids.data = [u.id for u in visit.cohosts]
    form.version.data = visit.version
    if "owner_id" in form:
        form.owner_id.data = visit.owner_id or 0


def detail_context(visit) -> dict:
    """What the visit page and its partials need, with the permission booleans decided here."""
    user = current_user
    return {
        "visit": visit, "now": utcnow(), "personal": services.sees_personal_data(user, visit),
        "front_desk": user.has_any_role(*services.STAFF),
        "can": {action: workflow.may(user, visit, action) for action in workflow.ACTIONS},
        "events": services.history(visit), "reason_form": ReasonForm(), "note_form": NoteForm(),
        "accept_form": AcceptForm(owners=services.owner_candidates()),
        "clashes": services.room_clashes(visit.room_id, visit.room_text, visit.expected_arrival,
                                         visit.expected_departure, visit.id) if visit.status != "cancelled" else [],
    }


@bp.get("/<int:visit_id>")
@login_required
def detail(visit_id: int):
    visit = services.visible_or_404(current_user, visit_id)
    return render("visits/detail.html", "visits/_live.html", **detail_context(visit))


def after_action(visit):
    """The front-desk board swaps in the visit's card, the visit page its live part; without htmx the
    visit page reloads."""
    if wants_fragment() and request.form.get("view") == "board":
        return board_card(visit)
    if wants_fragment():
        return render_template("visits/_live.html", fragment=True, **detail_context(visit))
    return redirect_after_post(url_for("visits.detail", visit_id=visit.id))


def _act(visit_id: int, action: str, run):
    visit = services.visible_or_404(current_user, visit_id)
    if not workflow.permitted(current_user, visit, action):
        abort(403)
    try:
        run(visit)
    except (workflow.VisitConflict, services.VisitError) as error:
        flash(str(getattr(error, "message", error)), "error")
    return after_action(services.visible_or_404(current_user, visit_id))


@bp.post("/<int:visit_id>/arrive")
@login_required
@role_required(Role.RECEPTION, Role.OFFICE)
def arrive(visit_id: int):
    """Check the planned visit in; host and owner are notified at once."""
    return _act(visit_id, "arrive", lambda v: services.record_arrival(current_user, v))


@bp.post("/<int:visit_id>/depart")
@login_required
@role_required(Role.RECEPTION, Role.OFFICE)
def depart(visit_id: int):
    return _act(visit_id, "depart", lambda v: services.record_departure(current_user, v))


@bp.post("/<int:visit_id>/accept")
@login_required
@role_required(Role.OFFICE)
def accept(visit_id: int):
    form = AcceptForm(owners=services.owner_candidates())
    return _act(visit_id, "accept", lambda v: services.accept(current_user, v, form.owner_id.data or 0))


@bp.post("/<int:visit_id>/cancel")
@login_required
def cancel(visit_id: int):
    form = ReasonForm()
    return _act(visit_id, "cancel", lambda v: services.cancel(current_user, v, form.reason.data or ""))
