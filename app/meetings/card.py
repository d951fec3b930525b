"""The dashboard card: open, overdue and accepted-this-month action items per department."""
from flask import render_template
from markupsafe import Markup

from . import queries, series


def render_card(user):
    # Only meetings this person may open: a group's meeting is its members' (and the office's).
    upcoming = queries.upcoming([s.id for s in series.visible_series(user)])
    return Markup(render_template("meetings/_card.html", stats=queries.department_stats(),
                                  next_meeting=upcoming[0] if upcoming else None))
