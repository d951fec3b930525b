"""A request type's extra fields, written by the office one a line: "label | kind | choice, choice".

Kinds: text, number, date, choice (the choices after the second bar) and file (the request must carry
an attachment, whose purpose the label names). A label ending in "*" is required.
"""
import json
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

KINDS = ("text", "number", "date", "choice", "file")
MAX_FIELDS = 8
MAX_VALUE = 200


@dataclass(frozen=True)
class ExtraField:
    index: int
    label: str
    kind: str
    required: bool
    choices: tuple = ()

    @property
    def name(self) -> str:
        return f"extra_{self.index}"


def parse(spec: str) -> list[ExtraField]:
    """The fields of a (validated) spec; lines that do not parse are skipped."""
    fields = []
    for line in (spec or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or parts[1].lower() not in KINDS or not parts[0].rstrip("*").strip():
            continue
        label, kind = parts[0], parts[1].lower()
        choices = tuple(c.strip() for c in parts[2].split(",") if c.strip()) if len(parts) > 2 else ()
        fields.append(ExtraField(len(fields), label.rstrip("*").strip(), kind, label.endswith("*"), choices))
    return fields[:MAX_FIELDS]


def spec_errors(spec: str) -> list[str]:
    """What is wrong with a spec the office typed, line by line."""
    errors = []
    lines = [line for line in (spec or "").splitlines() if line.strip()]
    if len(lines) > MAX_FIELDS:
        errors.append(str(_l("At most %(n)d extra fields.", n=MAX_FIELDS)))
    for number, line in enumerate(lines, 1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or parts[1].lower() not in KINDS or not parts[0].rstrip("*").strip():
            errors.append(str(_l("Line %(n)d: write “label | kind”, the kind one of %(kinds)s.",
                                 n=number, kinds=", ".join(KINDS))))
        elif parts[1].lower() == "choice" and (len(parts) < 3 or not parts[2].strip()):
            errors.append(str(_l("Line %(n)d: list the choices after a second “|”, separated by commas.", n=number)))
    return errors


def _check(field: ExtraField, value: str, has_files: bool):
    """The error for one value, or None."""
    if field.kind == "file":
        return _l("Attach the file this request needs.") if field.required and not has_files else None
    if not value:
        return _l("This field is required.") if field.required else None
    if len(value) > MAX_VALUE:
        return _l("At most %(n)d characters.", n=MAX_VALUE)
    if field.kind == "number":
        try:
            float(value)
        except ValueError:
            return _l("Write a number.")
    if field.kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return _l("Choose a date.")
    if field.kind == "choice" and value not in field.choices:
        return _l("Choose one of the listed answers.")
    return None


def read(fields: list[ExtraField], form, has_files: bool) -> tuple[list, dict]:
    """([label, value] pairs to store, {field name: error}) from the posted form."""
    pairs, errors = [], {}
    for field in fields:
        value = (form.get(field.name) or "").replace("\x00", "").strip()
        error = _check(field, value, has_files)
        if error is not None:
            errors[field.name] = str(error)
        elif value:
            pairs.append([field.label, value])
    return pairs, errors


def dump(pairs: list) -> str:
    return json.dumps(pairs, ensure_ascii=False) if pairs else ""
