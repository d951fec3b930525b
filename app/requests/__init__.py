"""Cross-department requests (协作平台入口): a catalogue of request types, each answered by a department
within working-day targets; filing from a phone, the department's inbox, the office's overview."""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, Tab, register_nav, register_tabs

from . import figures, views, views_office  # noqa: F401  (routes register on bp; figures keeps its flush listener)
from .blueprint import bp
from .card import handler_card, office_card
from .cli import requests_cli
from .demo import seed_demo
from .jobs import auto_confirm
from .models import department_name
from .rows import row_texts


def init_app(app) -> None:
    """Registers the blueprint, navigation, tabs, the home cards, the periodic job and the demo catalogue."""
    app.register_blueprint(bp)
    app.jinja_env.filters.update(department_name=department_name, share=share)
    app.jinja_env.globals["request_row_texts"] = row_texts
    register_nav(app, NavItem("requests.index", _l("Requests"), (Role.EMPLOYEE,), order=25))
    register_nav(app, NavItem("requests.office", _l("All requests"), (Role.OFFICE,), order=26))
    register_nav(app, NavItem("requests.types", _l("Request types"), (Role.OFFICE, Role.ADMIN), order=86))
    register_tabs(app, "requests_catalogue", [
        Tab("requests.types", _l("Request types"), also=("requests.edit_type",)),
        Tab("requests.handlers", _l("Handlers")),
    ])
    register_card(app, Card("requests", (Role.EMPLOYEE,), render=handler_card, order=24,
                                topics=("requests",)))
    register_card(app, Card("requests_office", (Role.OFFICE,), render=office_card, order=25,
                                topics=("requests",), shared=True))
    register_periodic(app, "requests: auto-confirm", auto_confirm)
    register_demo_seeder(app, seed_demo)
    app.cli.add_command(requests_cli)


def share(value) -> str:
    """A share 0..1 as a whole percentage; a dash when there is nothing to measure."""
    return "—" if value is None else f"{round(value * 100)}%"
