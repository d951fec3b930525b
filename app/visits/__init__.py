"""Visitor reception (客户接待): checklist templates, one owner per visit, the front-desk board, the register."""
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic, register_reference_data
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, Tab, register_nav, register_tabs

from . import views, views_board, views_steps, views_templates  # noqa: F401  (routes register on import)
from .blueprint import bp
from .card import front_desk_card
from .checklist import seed_templates, timing_label
from .cli import visits_cli
from .demo import seed_demo_visits
from .jobs import purge_expired, run_reminders

FRONT_DESK = (Role.RECEPTION, Role.OFFICE)
EDITORS = (Role.OFFICE, Role.ADMIN)


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_assets(app, "visits.css")
    register_nav(app, NavItem("visits.index", _l("Visits"), (Role.EMPLOYEE,), order=30))
    register_nav(app, NavItem("visits.today", _l("Front desk"), FRONT_DESK, order=31))
    register_tabs(app, "visits", [
        Tab("visits.index", _l("My visits")),
        Tab("visits.today", _l("Front desk"), roles=FRONT_DESK),
        Tab("visits.register", _l("Register"), roles=FRONT_DESK),
        Tab("visits.templates", _l("Checklist templates"), roles=EDITORS),
        Tab("rooms.manage", _l("Meeting rooms"), roles=EDITORS),
    ])
    register_card(app, Card("visits", FRONT_DESK, render=front_desk_card, order=30, topics=("visits",), shared=True))
    register_periodic(app, "visits", run_reminders)
    register_periodic(app, "visits purge", purge_expired)
    register_reference_data(app, seed_templates)
    register_demo_seeder(app, seed_demo_visits)
    app.cli.add_command(visits_cli)
    # "2 days before arrival", on the visit page and the templates page.
    app.add_template_global(timing_label)
