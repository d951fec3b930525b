"""The office's home card: open work by status, overdue, median response and fix time, worst equipment."""
from flask import render_template
from markupsafe import Markup

from . import stats


def office_card(user):
    """The card's HTML, rendered into the office's home page."""
    return Markup(render_template("repairs/_card.html", summary=stats.office_summary()))
