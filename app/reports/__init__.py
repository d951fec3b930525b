"""The office's monthly report for leadership (issue 16): suggestions, repairs, visits, cross-department
requests and tasks, each figure beside the previous month's, on a page and as Word and Excel files."""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.navigation import NavItem, register_nav

from . import views  # noqa: F401  (routes register on bp)
from .blueprint import bp


def init_app(app) -> None:
    """Registers the blueprint and the menu entry for the office and leaders."""
    app.register_blueprint(bp)
    register_nav(app, NavItem("reports.monthly", _l("Monthly report"), (Role.OFFICE, Role.LEADER), order=90))
