"""Visits: my visits, planning or requesting one, the visit page, and its status changes."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.auth.services import active_departments
from app.errors import Conflict, Refused
from app.forms import Kept, attach_error, kept_post
from app.htmx import redirect_after_post, render, render_form, wants_fragment
from app.pagecache import cached_page
from app.params import page_arg, to_int
from app.timeutil import to_local, utcnow

from . import queries, services, workflow
from . import rooms as visit_rooms
from .blueprint import bp
from .forms import AcceptForm, ReasonForm, VisitForm
from .models import Visit
from .rows import row_helpers, step_path
from .views_board import board_card


@bp.get("/")
@login_required
@cached_page("visits", "rooms", "calendar", seconds=60)
def index():
    """The visits I host, co-host, own or asked for; reception and office see all upcoming visits."""
    show = request.args.get("show", "upcoming")
    page = queries.my_visits(current_user, show, page_arg())
    return render("visits/index.html", "visits/_rows.html", page=page, show=show,
                  staff=current_user.has_any_role(*services.STAFF),
                  step_counts=queries.step_counts([visit.id for visit in page.items]),
                  owner_steps=queries.owner_steps(current_user, page.items, utcnow()), **row_helpers())


def visit_or_404(visit_id: int) -> Visit:
    """The visit if the signed-in user may see it; 404 otherwise, since even its existence is private."""
    return services.get_visible(current_user, visit_id) or abort(404)


def _visit_form(visit=None, **kwargs) -> VisitForm:
    """The visit form with its choices: the host and co-hosts are listed by the department picked (the
    inline check re-renders the lists when it changes), starting from the visit's or the user's own."""
    planning = current_user.has_any_role(*services.STAFF) or (visit is not None and visit.owner_id)
    args = request.form
    department = to_int(args.get("host_department_id"))
    if department is None:
        department = visit.host_department_id if visit else current_user.department_id
    cohost_department = to_int(args.get("cohost_department")) or department
    host_id = to_int(args.get("host_id")) or (visit.host_id if visit else current_user.id)
    cohost_ids = [n for n in map(to_int, args.getlist("cohost_ids")) if n] or (
        [u.id for u in visit.cohosts] if visit else [])
    return VisitForm(hosts=queries.people_to_choose(department, [host_id]),
                     cohosts=queries.people_to_choose(cohost_department, cohost_ids),
                     departments=active_departments(), rooms=queries.active_rooms(),
                     owners=queries.owner_candidates() if planning else None, **kwargs)


def _inline_check(form: VisitForm, visit=None):
    """Inline validation while the form is filled in: the same form class and rules as saving, but only
    fields the user has already filled show their errors, and nothing is saved."""
    form.validate()
    data = form.checkable_data()
    if data is not None:
        for problem in services.visit_problems(data, visit or Visit(), _requires_owner(form, visit)):
            attach_error(form, problem)
    for field in form:
        if not any(str(value).strip() not in ("", "0") for value in (field.raw_data or [])):
            field.errors = []
    form.form_errors = []
    return render_form("visits/form.html", "visits/_visit_fields.html", form, visit=visit,
                       offer_different_group=_offers_different_group(form, visit))


def _requires_owner(form: VisitForm, visit=None) -> bool:
    return "owner_id" in form and (visit is None or visit.status != workflow.VisitStatus.REQUESTED)


def _service_problems(form: VisitForm, visit=None) -> int:
    """Put every rule of the service the form breaks (room clash, duplicate, host...) on its field, checked on
    what could be read; how many there were."""
    data, requires_owner = form.checkable_data(), _requires_owner(form, visit)
    if data is not None:
        problems = services.visit_problems(data, visit or Visit(), requires_owner)
    else:
        problems = services.untimed_problems(form.to_data(), requires_owner)
    for problem in problems:
        attach_error(form, problem)
    return len(problems)


def _submitted_and_valid(form: VisitForm, visit=None) -> bool:
    """On a submit, every error at once: when the form refuses a field, the service's rules are checked too, so
    nobody sends a 20-field form three times to see them all. A valid form goes to the service, which checks
    its rules on saving (and gives a resent form the visit created the first time)."""
    if request.method != "POST":
        return False
    if form.validate_on_submit():
        return True
    _service_problems(form, visit)
    return False


def _offers_different_group(form: VisitForm, visit=None) -> bool:
    """The "different group" box comes with the warning about the same organisation already expected at that
    time, for reception and office planning a new visit; otherwise it stays out of the way."""
    if visit is not None or "different_group" not in form:
        return False
    data = form.checkable_data()
    if data is None or not data.organisation:
        return False
    return services.duplicate_of(data) is not None


@bp.route("/new", methods=["GET", "POST"])
@login_required
# A reused copy keeps its form token until a visit is planned, which raises "visits" and so draws a new one.
@cached_page("visits", "rooms", "calendar")
def new():
    """Reception and office plan a visit with its owner; any other employee requests one."""
    form = _visit_form()
    if request.form.get("check"):
        return _inline_check(form)
    if request.method == "GET":
        form.host_id.data = 0 if current_user.has_any_role(*services.STAFF) else current_user.id
        form.host_department_id.data = form.cohost_department.data = current_user.department_id or 0
    if _submitted_and_valid(form):
        try:
            visit = services.create_visit(current_user, form.to_data(), form.token.data)
        except Refused as error:
            if not _service_problems(form):  # all of them, not only the first the service met
                attach_error(form, error)
        else:
            flash(_("The visit is planned.") if visit.status == workflow.VisitStatus.PLANNED
                  else _("Your request is sent; the office will name an owner."), "success")
            return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    return render_form("visits/form.html", "visits/form.html", form, visit=None,
                       offer_different_group=_offers_different_group(form))


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id: int):
    visit = visit_or_404(visit_id)
    if not workflow.permitted(current_user, visit, "edit"):
        abort(403)
    if not workflow.can(current_user, visit, "edit"):
        flash(str(workflow.CONFLICT_MESSAGES["edit"]), "error")
        return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    form = _visit_form(visit, obj=visit)
    if request.form.get("check"):
        return _inline_check(form, visit)
    if request.method == "GET":
        _load_visit(form, visit)
    elif _submitted_and_valid(form, visit):
        try:
            # A version that is not a number is a form from nowhere: it can only be out of date.
            services.update_visit(current_user, visit, form.to_data(), to_int(form.version.data) or 0)
        except Conflict as error:
            attach_error(form, error)
            return render_template("visits/form.html", form=form, visit=visit), 409
        except Refused as error:
            if not _service_problems(form, visit):
                attach_error(form, error)
        else:
            flash(_("The visit is saved."), "success")
            return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    return render_form("visits/form.html", "visits/form.html", form, visit=visit)


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
    can = {name: workflow.can(user, visit, name) for name in workflow.TRANSITIONS}
    return {
        "visit": visit, "now": utcnow(), "personal": services.sees_personal_data(user, visit),
        "front_desk": user.has_any_role(*services.STAFF), "can": can, "events": queries.history(visit),
        "step_paths": {action: step_path(f"visits.{action}") for action in ("tick", "skip", "untick", "note")},
        # The office's people are read only for the request the user may accept (the form lists them).
        "accept_form": AcceptForm(owners=queries.owner_candidates()) if can["accept"] else None,
        "equipment_check": visit_rooms.shown_equipment_check(visit),
        "clashes": services.room_clashes(visit.room_id, visit.room_text, visit.expected_arrival,
                                         visit.expected_departure, visit.id)
        if visit.status != workflow.VisitStatus.CANCELLED else [],
    }


@bp.get("/<int:visit_id>")
@login_required
@cached_page("visits", "rooms", "calendar", "satisfaction", seconds=60)
def detail(visit_id: int):
    visit = services.get_visible(current_user, visit_id)
    if visit is None:
        check = visit_rooms.check_for_technician(current_user, visit_id) or abort(404)
        return redirect(url_for("rooms.check", check_id=check.id))
    return render("visits/detail.html", "visits/_live.html", **detail_context(visit))


def after_action(visit_id: int, error: Exception | None = None):
    """The visit as it is now after an action: the front-desk board swaps in the visit's card, the visit page
    its live part. A refusal answers 422 and a lost race 409, with the message in #flash; without htmx a
    success reloads the visit page and a failure shows it with the message."""
    status = 200 if error is None else 409 if isinstance(error, Conflict) else 422
    if error is not None:
        flash(str(error), "error")
    visit = visit_or_404(visit_id)
    if wants_fragment() and request.form.get("view") == "board":
        return board_card(visit.id), status
    kept = _kept(error) if error is not None else Kept()
    if wants_fragment():
        return render_template("visits/_live.html", **detail_context(visit), kept=kept), status
    if error is None:
        return redirect_after_post(url_for("visits.detail", visit_id=visit.id))
    return render_template("visits/detail.html", **detail_context(visit), kept=kept), status


def _kept(error: Exception) -> Kept:
    """A refused step or cancel form drawn again with what was typed (a long reason is never lost) and the
    refusal under the field it names; the form is named by the action and its step ("skip-12", "cancel")."""
    action = request.endpoint.rpartition(".")[2]
    step_id = (request.view_args or {}).get("step_id")
    return kept_post(f"{action}-{step_id}" if step_id else action, refusal=error)


def _act(visit_id: int, name: str, run):
    visit = visit_or_404(visit_id)
    if not workflow.permitted(current_user, visit, name):
        abort(403)
    try:
        run(visit)
    except (Refused, Conflict) as error:
        return after_action(visit_id, error)
    return after_action(visit_id)


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
    form = AcceptForm(owners=queries.owner_candidates())
    return _act(visit_id, "accept", lambda v: services.accept(current_user, v, form.owner_id.data or 0))


@bp.post("/<int:visit_id>/cancel")
@login_required
def cancel(visit_id: int):
    form = ReasonForm()

    def run(visit):
        # A missing reason is the service's to explain; a reason the form refused (a NUL, too long) never
        # reaches it.
        if not form.validate_on_submit() and (form.reason.data or "").strip():
            raise services.VisitError(" ".join(str(e) for e in form.reason.errors), "reason")
        services.cancel(current_user, visit, form.reason.data or "")
    return _act(visit_id, "cancel", run)
