"""Cards on the home page: each feature registers what it shows, and for which roles."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Card:
    name: str
    roles: tuple
    render: Callable  # (user) -> Markup or None when there is nothing to show
    order: int = 50


def register_card(app, card: Card) -> None:
    app.extensions.setdefault("officehub_cards", []).append(card)


def cards_for(user) -> list:
    """Rendered cards the user's roles allow, in their order; a card may decline by returning None."""
    cards = sorted(current_app.extensions.get("officehub_cards", []), key=lambda c: (c.order, c.name))
    rendered = []
    for card in cards:
        if user.has_any_role(*card.roles):
            html = card.render(user)
            if html:
                rendered.append(html)
    return rendered
