"""The front-desk card on the home page for reception and office."""
from flask import render_template
from markupsafe import Markup

from . import queries


def front_desk_card(user):
    board = queries.board()
    return Markup(render_template("visits/_home_card.html", board=board))
