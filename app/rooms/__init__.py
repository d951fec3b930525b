"""Rooms and bookings (issue 15): the one room list, booking with one clash check for visits, meetings and
everything else, notices with calendar files and answers (RSVP), and the equipment check one hour before."""
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, Tab, register_nav, register_tabs
from app.timeutil import to_local

from . import views, views_admin, views_checks  # noqa: F401  (routes register on bp)
from .blueprint import bp
from .card import office_card
from .demo import seed_demo
from .jobs import nudge_due_checks
from .notices import remind_upcoming


def local_day(day) -> str:
    """A day as people read it on the rooms page, weekday included, in the reader's language."""
    return format_date(day, "full")


def clock(moment) -> str:
    """A stored UTC time's hour and minute in the office's time zone."""
    return f"{to_local(moment):%H:%M}" if moment else ""


def init_app(app) -> None:
    """Registers the blueprint, menu and tabs, the office's card, the reminders and the demo rooms."""
    app.register_blueprint(bp)
    app.jinja_env.filters.update(local_day=local_day, clock=clock)
    register_assets(app, "rooms.css")
    register_nav(app, NavItem("rooms.index", _l("Rooms"), (Role.EMPLOYEE,), order=35))
    register_nav(app, NavItem("rooms.manage", _l("Room list"), (Role.OFFICE, Role.ADMIN), order=87))
    register_tabs(app, "rooms", [
        Tab("rooms.index", _l("Rooms")),
        Tab("rooms.new", _l("Book a room")),
        Tab("rooms.mine", _l("My bookings")),
        Tab("rooms.checks_list", _l("Equipment checks"), roles=(Role.OFFICE,)),
        Tab("rooms.approvals", _l("To approve"), roles=(Role.OFFICE,)),
    ])
    register_card(app, Card("rooms_checks", (Role.OFFICE,), render=office_card, order=45,
                                topics=("rooms",), shared=True))
    register_periodic(app, "rooms: reminders", remind_upcoming)
    register_periodic(app, "rooms: equipment checks due", nudge_due_checks)
    register_demo_seeder(app, seed_demo)
