"""Cards on the home page: each feature registers what it shows, and for which roles."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from app.fragments import cached_fragment, fragment_key
from app.revisions import current

# Every card may show people's names and departments, and counts due dates on the working calendar.
COMMON_TOPICS = ("auth", "calendar")


@dataclass(frozen=True)
class Card:
    name: str
    roles: tuple
    render: Callable  # (user) -> Markup or None when there is nothing to show
    order: int = 50
    topics: tuple = ()  # the revision topics whose writes change what the card shows (app/revisions.py)
    seconds: int = 60   # it shows "overdue" and "today": a kept copy is good for this long at most
    # Its HTML is the same for everyone its roles let see it (the office's figures): one kept copy serves
    # them all. A card that shows the reader's own work keeps one copy per reader.
    shared: bool = False

    @property
    def depends_on(self) -> tuple:
        return (*self.topics, *COMMON_TOPICS)


def register_card(app, card: Card) -> None:
    if not card.topics:
        raise ValueError(f"card {card.name!r} names no topics: it could never be kept")
    app.extensions.setdefault("officehub_cards", []).append(card)


def registered_cards() -> list:
    return sorted(current_app.extensions.get("officehub_cards", []), key=lambda c: (c.order, c.name))


def cards_for(user) -> list:
    """Rendered cards the user's roles allow, in their order; a card may decline by returning None.
    Each card is kept (app/fragments.py) until a write to one of its own topics, so a change to repairs
    draws the repairs card again and reads the others as they were."""
    cards = [card for card in registered_cards() if user.has_any_role(*card.roles)]
    counters = current(topic for card in cards for topic in card.depends_on)  # one query for them all
    rendered = []
    for card in cards:
        reader = "everyone" if card.shared else str(user.id)
        key = fragment_key(f"card:{card.name}", reader, {t: counters[t] for t in card.depends_on}, card.seconds)
        html = cached_fragment(key, lambda card=card: card.render(user))
        if html:
            rendered.append(html)
    return rendered
