"""Suggestion box (意见箱): filing (named, anonymous, paper slips), triage and answers, the public
board, ratings and the weekly digest."""
import logging
import os

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, register_nav

from . import board, digest, reports, settings, triage, views  # noqa: F401  (views attach their routes to bp)
from .blueprint import bp
from .demo import seed_demo
from .reminders import remind_overdue


def _card(user):
    """The office's satisfaction card: this and last month's average rating and on-time answers."""
    this_month, last_month = reports.card_figures()
    return Markup(render_template("suggestions/_card.html", this_month=this_month, last_month=last_month))


def init_app(app) -> None:
    """Registers the blueprint, navigation, the office's dashboard card and the demo data."""
    app.config.setdefault("SUGGESTIONS_ANSWER_WORKING_DAYS",
                          int(os.environ.get("OFFICEHUB_SUGGESTION_ANSWER_DAYS", "5")))
    app.register_blueprint(bp)
    register_assets(app, "suggestions.css")
    # At DEBUG level Pillow logs every EXIF tag it reads — camera model, GPS — of anonymous photos too.
    logging.getLogger("PIL").setLevel(max(logging.getLogger("PIL").getEffectiveLevel(), logging.INFO))
    register_nav(app, NavItem("suggestions.index", _l("Suggestion box"), (Role.EMPLOYEE,), order=10))
    register_nav(app, NavItem("suggestions.triage", _l("Triage"), (Role.OFFICE,), order=11))
    register_card(app, Card("suggestions", (Role.OFFICE,), render=_card, order=10))
    register_demo_seeder(app, seed_demo)
    register_periodic(app, "suggestions: overdue answers", remind_overdue)
