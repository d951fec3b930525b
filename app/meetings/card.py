"""The dashboard card: open, overdue and accepted-this-month action items per department."""
from flask import render_template
from markupsafe import Markup

from . import queries


def render_card(user):
    upcoming = queries.upcoming()
    return Markup(render_template("meetings/_card.html", stats=queries.department_stats(),
                                  next_meeting=upcoming[0] if upcoming else None))
