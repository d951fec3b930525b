"""A handler's home card: suggestions the office routed to their department that wait for its draft answer."""
from flask import render_template
from markupsafe import Markup

from app.auth.roles import Role
from app.timeutil import utcnow

from .routing import waiting_for


def routed_card(user):
    """Shown while something waits for the department's draft; the office routes them and has its own card."""
    if user.has_any_role(Role.OFFICE):
        return None
    waiting, overdue = waiting_for(user, utcnow())
    if not waiting:
        return None
    return Markup(render_template("suggestions/_routed_card.html", waiting=waiting, overdue=overdue))
