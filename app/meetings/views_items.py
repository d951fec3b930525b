"""Agenda items on the live screen: add, inline edit with version check, order, outcome, action items."""
from flask import abort, flash, render_template, request, url_for

from app.auth.roles import Role, role_required
from app.auth.services import active_departments
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form, wants_fragment
from app.timeutil import today

from . import actions, queries, services
from .blueprint import bp
from .conflicts import differences
from .forms import ActionForm, ItemForm, OutcomeForm
from .models import AgendaItem
from .views import new_item_form, viewer_for

ITEM_FIELDS = ("kind", "title", "details", "addressed_to_id", "urgency", "minutes_budget")


def _item_and_viewer(item_id: int):
    item = db.get_or_404(AgendaItem, item_id)
    return item, viewer_for(item.meeting_id)


def _item_form(viewer, item, formdata=None) -> ItemForm:
    # A posted edit is read from the post alone: falling back to the stored item could hide a missing version.
    form = ItemForm(formdata=formdata, obj=item if formdata is None else None, prefix=f"item{item.id}",
                    departments=active_departments(), can_choose_department=viewer.is_office, editing=True)
    if formdata is None:
        form.version.data = item.version
        form.addressed_to_id.data = item.addressed_to_id or 0
    return form


def _item_data(form: ItemForm) -> dict:
    """The fields the service saves (it trims them); a liaison's form has no department to choose."""
    names = (*ITEM_FIELDS, "department_id") if "department_id" in form else ITEM_FIELDS
    return {name: getattr(form, name).data for name in names}


def _outcome_data(form: OutcomeForm) -> dict:
    """The outcome as it would be stored (trimmed), to save and to compare with theirs on a conflict."""
    return {"outcome": (form.outcome.data or "").strip(), "decision": (form.decision.data or "").strip(),
            "status": form.status.data}


# The screen that made a change asks the poll at once instead of waiting for its next tick.
REFRESH = {"HX-Trigger": "meeting-changed"}


def _refreshing(response):
    body, status, headers = response
    return body, status, {**headers, **REFRESH}


def _panel(fragment: str, form, **context):
    """An inline form in the item's edit slot, or the same form on a page of its own without htmx;
    422 when the form (or the service's refusal put on it) has errors."""
    return render_form("meetings/panel.html", fragment, form=form, fragment=fragment, **context)


def _conflict(fragment: str, form, conflict: services.MeetingConflict, mine: dict, theirs_version: int):
    """409: their version above the form, this person's text kept in it. The form keeps the version first
    shown, so Save meets the conflict again; replacing theirs is "use my version" (theirs_version)."""
    theirs = conflict.current
    response = render("meetings/panel.html", fragment, status=409, fragment=fragment, form=form, item=theirs,
                      theirs=theirs, theirs_version=theirs_version, differences=differences(form, theirs, mine))
    return _refreshing(response)  # the item above the form shows their version at once


def _version_to_check(form) -> tuple[int, bool]:
    """The version the save expects to replace, and whether it knowingly replaces someone's ("use my
    version": the one shown in the conflict, else the one the form was opened with)."""
    if request.form.get("resolve") == "mine":
        shown = request.form.get("theirs_version", "")
        return (int(shown) if shown.isdigit() else 0), True
    return int(form.version.data or 0), False


def _saved(item: AgendaItem, viewer):
    """After an inline save: clear the edit slot and redraw the item; without htmx, back to the agenda."""
    if not wants_fragment():
        return redirect_after_post(url_for("meetings.detail", meeting_id=item.meeting_id) + f"#item-{item.id}")
    # The totals above the agenda change with a budget, so they are redrawn with the item.
    return render_template("meetings/_saved.html", item=db.session.get(AgendaItem, item.id), viewer=viewer,
                           today=today(), summary=queries.budget(viewer.meeting)), 200, REFRESH


@bp.post("/<int:meeting_id>/items")
def add_item(meeting_id: int):
    """A liaison (for their own department) or the office adds an item while the meeting is open."""
    viewer = viewer_for(meeting_id)
    form = new_item_form(viewer, formdata=request.form)
    if form.validate_on_submit():
        try:
            services.add_item(viewer, _item_data(form))
        except services.MeetingError as exc:
            attach_error(form, exc)
        else:
            if not wants_fragment():
                return redirect_after_post(url_for("meetings.detail", meeting_id=meeting_id))
            return render_template("meetings/_new_item.html", new_form=new_item_form(viewer), viewer=viewer,
                                   meeting=viewer.meeting), 200, REFRESH
    return render("meetings/panel.html", "meetings/_new_item.html", status=422, fragment="meetings/_new_item.html",
                  new_form=form, viewer=viewer, meeting=viewer.meeting)


@bp.get("/items/<int:item_id>/edit")
def edit_item(item_id: int):
    item, viewer = _item_and_viewer(item_id)
    if not viewer.can_edit(item):
        abort(403)
    return _panel("meetings/_item_form.html", _item_form(viewer, item), item=item, viewer=viewer)


@bp.post("/items/<int:item_id>")
def save_item(item_id: int):
    """Save an inline edit; if someone saved first, show theirs and keep this person's text (409)."""
    item, viewer = _item_and_viewer(item_id)
    if not viewer.owns(item):
        abort(403)  # the one check of who may edit; a closed meeting is the service's to explain (422)
    form = _item_form(viewer, item, formdata=request.form)
    if form.validate_on_submit():
        mine = services.cleaned_item(_item_data(form))  # as it would be stored, to compare with theirs
        version, overwriting = _version_to_check(form)
        try:
            services.update_item(viewer, item, dict(mine), version, overwriting=overwriting)
        except services.MeetingConflict as conflict:
            return _conflict("meetings/_item_form.html", form, conflict, mine, conflict.current.version)
        except services.MeetingError as exc:
            attach_error(form, exc)
        else:
            return _saved(item, viewer)
    return _panel("meetings/_item_form.html", form, item=item, viewer=viewer)


@bp.post("/items/<int:item_id>/move")
@role_required(Role.OFFICE)
def move_item(item_id: int):
    """Move an item up or down; a refusal (a closed meeting) shows in #flash with this very answer."""
    item, viewer = _item_and_viewer(item_id)
    try:
        services.move_item(viewer, item, request.form.get("direction", ""))
    except services.MeetingError as exc:
        flash(str(exc), "error")
    if wants_fragment():
        return "", 200, REFRESH  # the poll redraws the agenda in its new order, here and everywhere
    return redirect_after_post(url_for("meetings.detail", meeting_id=item.meeting_id))


@bp.route("/items/<int:item_id>/outcome", methods=["GET", "POST"])
@role_required(Role.OFFICE)
def outcome(item_id: int):
    """The office records what the meeting concluded about an item."""
    item, viewer = _item_and_viewer(item_id)
    form = OutcomeForm(obj=item if request.method == "GET" else None, prefix=f"outcome{item.id}")
    if request.method == "GET":
        form.version.data, form.status.data = item.outcome_version, "discussed"
    elif form.validate_on_submit():
        mine = _outcome_data(form)
        version, overwriting = _version_to_check(form)
        try:
            services.record_outcome(viewer, item, **mine, version=version, overwriting=overwriting)
        except services.MeetingConflict as conflict:
            return _conflict("meetings/_outcome_form.html", form, conflict, mine, conflict.current.outcome_version)
        except services.MeetingError as exc:
            attach_error(form, exc)
        else:
            return _saved(item, viewer)
    return _panel("meetings/_outcome_form.html", form, item=item)


@bp.route("/items/<int:item_id>/actions", methods=["GET", "POST"])
@role_required(Role.OFFICE)
def new_action(item_id: int):
    """Hand out an action item: task, owner, deadline and acceptance criterion, all required."""
    item, viewer = _item_and_viewer(item_id)
    form = ActionForm(prefix=f"action{item.id}", owners=queries.owner_choices(), today=today())
    if form.validate_on_submit():
        try:
            actions.add_action(viewer, item, task=form.task.data, owner_id=form.owner_id.data,
                               deadline=form.deadline.data, acceptance=form.acceptance.data)
        except services.MeetingError as exc:
            attach_error(form, exc)
        else:
            return _saved(item, viewer)
    return _panel("meetings/_action_form.html", form, item=item)
