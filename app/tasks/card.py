"""The home card: what you own (open, overdue) and, for an assigner, what waits for you."""
from flask import render_template
from markupsafe import Markup

from . import queries
from .workflow import ASSIGNERS


def render_card(user):
    owned = queries.owned_counts(user.id)
    assigned = queries.counts(user.id) if user.has_any_role(*ASSIGNERS) else None
    if not owned["open"] and not (assigned and any(assigned.values())):
        return None  # nothing to show: no card
    return Markup(render_template("tasks/_card.html", owned=owned, assigned=assigned))
