"""Administration of accounts and departments."""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.navigation import NavItem, Tab, register_nav, register_tabs

from . import views, views_deliveries  # noqa: F401  (their routes join the blueprint)
from .blueprint import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("admin.users", _l("Administration"), (Role.ADMIN,), order=90))
    # Every admin page needs the admin role (the blueprint's guard), so the tabs need no roles of their own.
    register_tabs(app, "admin", [
        Tab("admin.users", _l("Users"), also=("admin.new_user", "admin.edit_user")),
        Tab("admin.departments", _l("Departments"), also=("admin.edit_department",)),
        Tab("admin.import_users", _l("Import users")),
        Tab("admin.deliveries", _l("Deliveries")),
    ])
