"""The dashboard card: open, overdue and accepted-this-month action items per department."""
from flask import render_template
from markupsafe import Markup

from . import actions, services


def render_card(user):
    upcoming = services.upcoming()
    return Markup(render_template("meetings/_card.html", stats=actions.department_stats(),
                                  next_meeting=upcoming[0] if upcoming else None))
