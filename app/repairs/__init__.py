"""Repair requests (报修): a 24-hour channel from a phone, QR labels, dispatch, SLA clocks, history."""
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, Tab, register_nav, register_tabs

from . import jobs, views, views_board, views_places, views_queue, views_roster  # noqa: F401  (routes register on bp)
from .blueprint import bp
from .card import office_card
from .clock import clock_text, format_day, format_span, paused_clock_text
from .demo import seed_demo
from .rows import row_clock, row_texts


def init_app(app) -> None:
    """Registers the blueprint, navigation, tabs, the office card, the periodic jobs and demo places."""
    app.register_blueprint(bp)
    register_assets(app, "repairs.css")
    app.jinja_env.filters.update(repair_clock=clock_text, repair_paused_clock=paused_clock_text,
                                  format_span=format_span, format_day=format_day,
                                  repair_row_clock=row_clock)
    app.jinja_env.globals["repair_row_texts"] = row_texts
    register_nav(app, NavItem("repairs.index", _l("Repairs"), (Role.EMPLOYEE,), order=20))
    register_nav(app, NavItem("repairs.queue", _l("Repair queue"), (Role.MAINTENANCE,), order=21))
    register_nav(app, NavItem("repairs.board", _l("Repair board"), (Role.OFFICE,), order=22))
    register_nav(app, NavItem("repairs.locations", _l("Places and equipment"), (Role.ADMIN,), order=85))
    register_tabs(app, "repairs_places", [
        Tab("repairs.locations", _l("Locations"), also=("repairs.edit_location",)),
        Tab("repairs.equipment_list", _l("Equipment"), also=("repairs.edit_equipment",)),
        Tab("repairs.import_locations", _l("CSV import"), also=("repairs.import_equipment",)),
    ])
    register_tabs(app, "repairs_import", [
        Tab("repairs.import_locations", _l("Locations")),
        Tab("repairs.import_equipment", _l("Equipment")),
    ])
    register_card(app, Card("repairs", (Role.OFFICE,), render=office_card, order=20, topics=("repairs",), shared=True))
    register_periodic(app, "repairs: escalate", jobs.escalate_overdue)
    register_periodic(app, "repairs: auto-confirm", jobs.auto_confirm)
    register_demo_seeder(app, seed_demo)
