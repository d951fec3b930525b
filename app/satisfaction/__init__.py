"""Satisfaction (issue 16): one 1–5 rating for every service that ends with someone served (a confirmed
repair, a completed visit, by its host or its visitor, a completed cross-department request), and the
department satisfaction survey out of 100."""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.cli import register_demo_seeder
from app.navigation import NavItem, register_nav

from . import hooks, views, views_surveys  # noqa: F401  (routes register on bp)
from .blueprint import bp
from .demo import seed_demo, seed_surveys


def init_app(app) -> None:
    """Registers the blueprint, the template globals the rated features' pages include, and the demo."""
    app.register_blueprint(bp)
    hooks.init_app(app)
    register_demo_seeder(app, seed_demo)
    register_demo_seeder(app, seed_surveys)
    register_nav(app, NavItem("satisfaction.surveys_index", _l("Surveys"), (Role.OFFICE, Role.LEADER), order=89))
