"""The on-duty roster page, kept by the office."""
from datetime import date, timedelta

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.htmx import redirect_after_post
from app.timeutil import to_local, utcnow

from . import duty, services
from .blueprint import bp
from .forms import RosterForm
from .models import SHIFTS


def _first_day() -> date:
    try:
        return date.fromisoformat(request.values.get("from", ""))
    except ValueError:
        return to_local(utcnow()).date()


@bp.route("/roster", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def roster():
    """Who from maintenance is on duty each day and night for the next two weeks."""
    first = _first_day()
    days = [first + timedelta(days=n) for n in range(duty.ROSTER_DAYS)]
    form = RosterForm()
    if form.validate_on_submit():
        # Only slots present in the form change, so a partial post never clears the rest.
        choices = {(day, shift): request.form.get(f"{day.isoformat()}_{shift}", 0, type=int)
                   for day in days for shift in SHIFTS if f"{day.isoformat()}_{shift}" in request.form}
        duty.set_roster(first, choices)
        flash(_("The roster is saved."), "success")
        return redirect_after_post(url_for("repairs.roster", **{"from": first.isoformat()}))
    return render_template("repairs/roster.html", form=form, days=days, shifts=SHIFTS, first=first,
                           slots=duty.roster(first), people=services.maintenance_people(),
                           previous=first - timedelta(days=duty.ROSTER_DAYS),
                           following=first + timedelta(days=duty.ROSTER_DAYS)), 422 if form.errors else 200
