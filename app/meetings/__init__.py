"""Department-liaison meeting (部门联络员会议): live agenda, action items, follow-ups and minutes."""
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, register_nav
from app.spreadsheets import markdown_text

from . import views, views_actions, views_items, views_minutes, views_notices, views_series  # noqa: F401  (routes join the blueprints)
from .blueprint import actions_bp, bp
from .card import render_card
from .demo import seed_demo
from .jobs import remind_overdue
from .notices import remind_upcoming
from .rows import agenda_texts, row_texts


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(actions_bp)
    app.jinja_env.filters["md"] = markdown_text  # people's words in the Markdown minutes stay words
    app.jinja_env.globals["action_row_texts"] = row_texts
    app.jinja_env.globals["agenda_texts"] = agenda_texts
    register_assets(app, "meetings.css", "meetings.js")
    register_nav(app, NavItem("meetings.index", _l("Liaison meeting"), (Role.OFFICE, Role.LIAISON), order=40))
    register_nav(app, NavItem("actions.index", _l("Action items"), (Role.OFFICE, Role.LIAISON), order=41))
    register_card(app, Card("meetings", (Role.OFFICE, Role.LIAISON), render=render_card, order=40,
                                topics=("meetings",)))
    register_periodic(app, "meetings: overdue action items", remind_overdue)
    register_periodic(app, "meetings: reminders", remind_upcoming)
    register_demo_seeder(app, seed_demo)
