"""A 409 on an inline form: which fields of the version saved first differ from the one being saved.

Shown above the form so that "Save again" never undoes someone's change without them seeing it.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.auth.models import Department
from app.extensions import db

from .models import AgendaItem, Kind, Urgency
from .workflow import ItemStatus

# Free text: the person's own version stays in the form right below, so only theirs is repeated.
TEXT_FIELDS = {"title", "details", "outcome", "decision"}
LABELLED = {"kind": Kind, "urgency": Urgency, "status": ItemStatus}


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    yours: str | None  # None for free text (see TEXT_FIELDS)


def _shown(name: str, value) -> str:
    if name in LABELLED:
        member = LABELLED[name].of(value)
        return str(member.label) if member else value
    if name in ("department_id", "addressed_to_id"):
        department = db.session.get(Department, value) if value else None
        return str(department) if department else _("— nobody in particular —")
    if name == "minutes_budget":
        return _("%(minutes)d min", minutes=value) if value else "—"
    return value or "—"


def differences(form, theirs: AgendaItem, mine: dict) -> list[Difference]:
    """The fields, in form order, where `theirs` differs from `mine` (the values being saved), labelled
    as the form labels them."""
    found = []
    for field in form:
        name = field.short_name
        if name not in mine or getattr(theirs, name, None) == mine[name]:
            continue
        yours = None if name in TEXT_FIELDS else _shown(name, mine[name])
        found.append(Difference(str(field.label.text), _shown(name, getattr(theirs, name)), yours))
    return found
