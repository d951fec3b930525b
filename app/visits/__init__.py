"""Visitor reception (客户接待): checklist templates, one owner per visit, the front-desk board, the register."""
import os

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, register_nav

from . import views, views_board, views_steps, views_templates  # noqa: F401  (routes register on import)
from .blueprint import bp
from .cards import front_desk_card
from .commands import seed_demo_visits, visits_cli
from .reminders import run_reminders


def _tick() -> str:
    # Notification links are built with url_for, which needs a request context outside a request.
    with current_app.test_request_context("/"):
        return run_reminders()


def init_app(app) -> None:
    app.config.setdefault("VISITS_PURGE_DAYS", int(os.environ.get("OFFICEHUB_VISITS_PURGE_DAYS", "180")))
    app.config.setdefault("VISITS_CHECKOUT_GRACE_MINUTES",
                          int(os.environ.get("OFFICEHUB_VISITS_CHECKOUT_GRACE_MINUTES", "30")))
    app.register_blueprint(bp)
    register_assets(app, "visits.css")
    register_nav(app, NavItem("visits.index", _l("Visits"), (Role.EMPLOYEE,), order=30))
    register_nav(app, NavItem("visits.today", _l("Front desk"), (Role.RECEPTION, Role.OFFICE), order=31))
    register_card(app, Card("visits", (Role.RECEPTION, Role.OFFICE), render=front_desk_card, order=30))
    register_periodic(app, "visits", _tick)
    register_demo_seeder(app, seed_demo_visits)
    app.cli.add_command(visits_cli)
