"""Administration of accounts and departments."""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.navigation import NavItem, register_nav

from .views import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("admin.users", _l("Administration"), (Role.ADMIN,), order=90))
