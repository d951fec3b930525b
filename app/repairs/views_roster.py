"""The on-duty roster page, kept by the office."""
from datetime import timedelta

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.htmx import redirect_after_post, render_form
from app.params import to_int
from app.timeutil import parse_day, today

from . import roster as duty_roster
from . import services
from .blueprint import bp
from .forms import RosterForm
from .models import Shift


@bp.route("/roster", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def roster():
    """Who from maintenance is on duty each day and night for the next two weeks."""
    first = parse_day(request.values.get("from")) or today()
    days = [first + timedelta(days=n) for n in range(duty_roster.ROSTER_DAYS)]
    form = RosterForm()
    if form.validate_on_submit():
        # Only slots present in the form change, so a partial post never clears the rest.
        choices = {(day, shift): to_int(request.form.get(f"{day.isoformat()}_{shift}")) or 0
                   for day in days for shift in Shift if f"{day.isoformat()}_{shift}" in request.form}
        duty_roster.set_roster(first, choices)
        flash(_("The roster is saved."), "success")
        return redirect_after_post(url_for("repairs.roster", **{"from": first.isoformat()}))
    return render_form("repairs/roster.html", "repairs/roster.html", form, days=days, shifts=list(Shift),
                       first=first, slots=duty_roster.roster(first), people=services.maintenance_people(),
                       previous=first - timedelta(days=duty_roster.ROSTER_DAYS),
                       following=first + timedelta(days=duty_roster.ROSTER_DAYS))
