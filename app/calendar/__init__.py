"""The working calendar (工作日历): China's statutory holidays and make-up working days (调休) from the
`chinesecalendar` package, plus the company's own closure and working days. Every "N working days"
clock in the product asks this package."""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.navigation import NavItem, register_nav

from . import views  # noqa: F401  (routes attach to bp)
from .blueprint import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("calendar.index", _l("Working calendar"), (Role.OFFICE, Role.ADMIN), order=80))
