"""Department-liaison meeting (部门联络员会议): live agenda, action items, follow-ups and minutes."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, register_nav

from . import item_views, minutes  # noqa: F401  (their routes join the meetings blueprint)
from .action_views import actions_bp
from .actions import remind_overdue
from .card import render_card
from .demo import seed_demo
from .views import bp


def _remind_overdue() -> str:
    # Notification links are built with url_for, which needs a request context outside a request.
    with current_app.test_request_context():
        return remind_overdue()


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_assets(app, "meetings.css", "meetings.js")
    app.register_blueprint(actions_bp)
    register_nav(app, NavItem("meetings.index", _l("Liaison meeting"), (Role.OFFICE, Role.LIAISON), order=40))
    register_nav(app, NavItem("actions.index", _l("Action items"), (Role.OFFICE, Role.LIAISON), order=41))
    register_card(app, Card("meetings", (Role.OFFICE, Role.LIAISON), render=render_card, order=40))
    register_periodic(app, "meetings: overdue action items", _remind_overdue)
    register_demo_seeder(app, seed_demo)
