"""The office's home card: today's equipment checks (done, problems, still open)."""
from flask import render_template
from markupsafe import Markup

from . import checks


def office_card(_user):
    items = checks.today_checks()
    return Markup(render_template("rooms/_office_card.html", items=items))
