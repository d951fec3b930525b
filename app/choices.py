"""Choices for WTForms select and radio fields.

WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice objects (tuples go in 3.4);
every form builds its options through `options()` so that the change is made in one place.
"""
from wtforms import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs, or a {value: label} dict, as a field's choices."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]
