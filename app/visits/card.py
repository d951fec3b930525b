"""The front-desk card on the home page for reception and office."""
from flask import render_template
from markupsafe import Markup

from . import queries


def front_desk_card(user):
    return Markup(render_template("visits/_home_card.html", counts=queries.board_counts()))
