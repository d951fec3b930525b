"""The office's home card: this and last month's average rating and share of answers on time."""
from flask import render_template
from markupsafe import Markup

from . import reports


def render_card(user):
    this_month, last_month = reports.card_figures()
    return Markup(render_template("suggestions/_card.html", this_month=this_month, last_month=last_month))
