"""The working calendar page: what the product counts as working days, and the office's own days."""
from datetime import date

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.forms import attach_error
from app.htmx import redirect_after_post, render_form
from app.pagecache import cached_page
from app.params import int_arg
from app.timeutil import parse_day, today

from . import services
from .blueprint import bp
from .forms import DayForm


def _page(form, year: int):
    days = services.special_days(date(year, 1, 1), date(year, 12, 31))
    return render_form("calendar/index.html", "calendar/index.html", form, year=year,
                       known=services.knows_year(year), days=days)


def _year() -> int:
    return int_arg("year", 2000, 2099) or today().year


@bp.get("/")
@login_required
@role_required(Role.OFFICE, Role.ADMIN)
@cached_page("calendar", seconds=60)
def index():
    return _page(DayForm(), _year())


@bp.post("/")
@login_required
@role_required(Role.OFFICE, Role.ADMIN)
def set_day():
    form = DayForm()
    if form.validate_on_submit():
        try:
            services.set_day(form.day.data, form.kind.data, form.note.data or "", current_user)
        except services.CalendarError as exc:
            attach_error(form, exc)
        else:
            flash(_("%(day)s is saved in the calendar.", day=form.day.data.isoformat()), "success")
            return redirect_after_post(url_for("calendar.index", year=form.day.data.year))
    return _page(form, form.day.data.year if form.day.data and not form.day.errors else _year())


@bp.post("/<day>/clear")
@login_required
@role_required(Role.OFFICE, Role.ADMIN)
def clear_day(day: str):
    found = parse_day(day)
    if found is not None and services.clear_day(found):
        flash(_("%(day)s follows the national schedule again.", day=found.isoformat()), "success")
    return redirect_after_post(url_for("calendar.index", year=found.year if found else None))


