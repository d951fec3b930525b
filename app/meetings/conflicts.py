"""A 409 on an inline form: which fields of the version saved first differ from the one being saved.

Shown above the form, scrolled into view and focused; Save keeps refusing (the form still holds the version
first shown), and replacing theirs is its own button ("use my version", which tells them), next to "take
theirs". Free text is shown side by side (theirs / yours) to merge by hand in the form below.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.auth.models import Department
from app.extensions import db

from .models import AgendaItem, Kind, Urgency
from .workflow import ItemStatus

# Free text: shown side by side in full, to merge.
TEXT_FIELDS = {"title", "details", "outcome", "decision"}
LABELLED = {"kind": Kind, "urgency": Urgency, "status": ItemStatus}


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    yours: str
    is_text: bool  # free text (TEXT_FIELDS): shown side by side in full


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
        found.append(Difference(str(field.label.text), _shown(name, getattr(theirs, name)), _shown(name, mine[name]),
                                name in TEXT_FIELDS))
    return found
