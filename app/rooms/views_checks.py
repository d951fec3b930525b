"""The equipment checks: the technical staff's list and a check's page with "checked, OK" / "problem"."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import Role
from app.errors import Conflict
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post

from . import checks
from .blueprint import bp
from .forms import CheckForm
from .models import EquipmentCheck


def _may_see(check: EquipmentCheck) -> bool:
    return (checks.may_tick(current_user, check) or current_user.has_any_role(Role.OFFICE)
            or check.booking.organiser_id == current_user.id)


@bp.get("/checks")
@login_required
def checks_list():
    """Open checks, soonest due first: the technical department sees all of them, anyone else theirs."""
    if not (checks.is_technical(current_user) or current_user.has_any_role(Role.OFFICE)):
        abort(403)
    items = checks.today_checks() if current_user.has_any_role(Role.OFFICE) and not checks.is_technical(current_user) \
        else checks.open_checks_for(current_user)
    return render_template("rooms/checks.html", items=items)


def _check_or_404(check_id: int) -> EquipmentCheck:
    check = db.session.get(EquipmentCheck, check_id)
    if check is None or not _may_see(check):
        abort(404)
    return check


def _page(check, form=None, status=200):
    return render_template("rooms/check.html", check=check, form=form or CheckForm(formdata=None),
                           may_tick=checks.may_tick(current_user, check), repair_link=checks.repair_link(check)), status


@bp.get("/checks/<int:check_id>")
@login_required
def check(check_id: int):
    return _page(_check_or_404(check_id))


@bp.post("/checks/<int:check_id>")
@login_required
def tick_check(check_id: int):
    """OK, or a problem with a note (the organiser and the office are told at once)."""
    check = _check_or_404(check_id)
    form = CheckForm()
    ok = request.form.get("result") == "ok"
    if form.validate():
        try:
            checks.tick(current_user, check, ok, form.note.data or "")
        except Conflict as lost:
            flash(str(lost), "error")
            return _page(check, status=409)
        except checks.CheckError as error:
            attach_error(form, error)
        else:
            flash(_("Recorded: equipment OK.") if ok else _("Recorded: the organiser and the office are told."),
                  "success")
            return redirect_after_post(url_for("rooms.check", check_id=check.id))
    return _page(check, form, status=422)
