"""Choices for WTForms fields, and the one labelled enum every status, kind and urgency uses.

WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice objects (tuples go in 3.4);
every form builds its options through `options()` so that the change is made in one place.
"""
import enum

from wtforms import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs, a {value: label} dict, or a LabelledEnum class, as a field's choices."""
    if isinstance(pairs, type) and issubclass(pairs, LabelledEnum):
        pairs = [(member.value, member.label) for member in pairs]
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


class LabelledEnum(enum.StrEnum):
    """A stored string value with a translated label and a CSS key (for `status_badge`).

    Members are written `NEW = "new", _l("New")`; the value is what the database stores, so
    `Status.NEW == "new"` and a member can be compared with, or stored as, the plain string.
    """

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self):
        return self._label

    @property
    def css(self) -> str:
        """The badge's class suffix: `badge-<css>`."""
        return self.value

    @classmethod
    def of(cls, value):
        """The member for a stored value, or None for an unknown one (old rows, hostile input)."""
        try:
            return cls(value)
        except ValueError:
            return None
