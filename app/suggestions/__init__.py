"""Suggestion box (意见箱): filing (named, anonymous, paper slips), triage and answers, the public
board, ratings and the weekly digest."""
import logging
from datetime import datetime

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from app.assets import register_assets
from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic, register_reference_data
from app.i18n import local_time
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, Tab, register_nav, register_tabs
from app.timeutil import to_local

from . import views, views_board, views_digest, views_routing, views_templates, views_triage  # noqa: F401  (routes)
from .blueprint import bp
from .card import render_card
from .demo import seed_demo
from .jobs import remind_overdue
from .numbers import number_earlier_days
from .routed_card import routed_card
from .services import seed_default_categories
from .workflow import event_label

OFFICE = (Role.OFFICE,)
TABS = [
    Tab("suggestions.index", _l("My suggestions")),
    Tab("suggestions.new", _l("New suggestion")),
    Tab("suggestions.board", _l("Board")),
    Tab("suggestions.track_form", _l("Track an anonymous suggestion"), also=("suggestions.track",)),
    Tab("suggestions.triage", _l("Triage"), roles=OFFICE),
    Tab("suggestions.drafts", _l("Drafts"), roles=OFFICE),
    Tab("suggestions.digest", _l("Weekly digest"), roles=OFFICE),
    Tab("suggestions.templates", _l("Answer templates"), roles=OFFICE, also=("suggestions.edit_template",)),
    Tab("suggestions.categories", _l("Categories"), roles=OFFICE, also=("suggestions.edit_category",)),
]


def suggestion_day(moment) -> str:
    """The office-time day of a stored moment: anonymous notes are only ever dated to the day.

    A list dates every row (twice on an overdue one), so a stored moment goes through `local_time` with the
    language's medium date pattern, compiled once per language, rather than through Babel per row; a plain
    date (a target date, a week's Monday) is rare enough for Babel."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        locale = get_locale()
        if locale is not None:
            return local_time(moment, str(locale.date_formats["medium"]))
        moment = to_local(moment).date()
    return format_date(moment, "medium")


def init_app(app) -> None:
    """Registers the blueprint, navigation and tabs, the office's card, the overdue reminder, the
    default categories and the demo data."""
    app.register_blueprint(bp)
    register_assets(app, "suggestions.css", "suggestions.js")
    app.add_template_filter(suggestion_day)
    app.add_template_global(event_label)
    # At DEBUG level Pillow logs every EXIF tag it reads — camera model, GPS — of anonymous photos too.
    logging.getLogger("PIL").setLevel(max(logging.getLogger("PIL").getEffectiveLevel(), logging.INFO))
    register_nav(app, NavItem("suggestions.index", _l("Suggestion box"), (Role.EMPLOYEE,), order=10))
    register_nav(app, NavItem("suggestions.triage", _l("Triage"), OFFICE, order=11))
    register_tabs(app, "suggestions", TABS)
    register_card(app, Card("suggestions", OFFICE, render=render_card, order=10, topics=("suggestions",), shared=True))
    # Who handles a department's suggestions is kept with the requests' handler lists.
    register_card(app, Card("suggestions_routed", (Role.EMPLOYEE,), render=routed_card, order=11,
                                topics=("suggestions", "requests")))
    register_reference_data(app, seed_default_categories)
    register_demo_seeder(app, seed_demo)
    register_periodic(app, "suggestions: overdue answers", remind_overdue)
    register_periodic(app, "suggestions: numbers of earlier days' anonymous notes", number_earlier_days)
