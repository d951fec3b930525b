"""Home cards: a handler's ("3 requests waiting for your department, 1 overdue") and the office's
(open and overdue requests, each department's share answered on time over 30 days)."""
from flask import render_template
from markupsafe import Markup

from app.auth.roles import Role

from . import queries, services, stats


def handler_card(user):
    """The handler's card; nothing for someone who answers no department's requests (or is office, who
    gets the office card)."""
    departments = services.handler_departments(user)
    if not departments or user.has_any_role(Role.OFFICE):
        return None
    waiting, overdue = queries.counts_for(departments)
    return Markup(render_template("requests/_handler_card.html", waiting=waiting, overdue=overdue))


def office_card(user):
    waiting, overdue = queries.counts_for([d.id for d in services.departments()])
    return Markup(render_template("requests/_office_card.html", waiting=waiting, overdue=overdue,
                                  on_time=stats.department_on_time()))
