"""What every feature's forms share: clean and bounded input, a service's refusal on its field, and
exactly-once posts. Every form derives from `Form` (or `OnceForm`)."""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField, DateTimeLocalField, HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange, ValidationError
from wtforms.widgets import Select

from app import idempotency
from app.timeutil import MAX_DAY, MIN_DAY

# Control characters break spreadsheets, documents and XML; newline, carriage return and tab are text.
_CONTROL = {c: None for c in (*range(32), 127) if c not in (9, 10, 13)}
NUL_MESSAGE = _l("This text contains a character that cannot be stored (NUL). Remove it and send again.")
DAY_MESSAGE = _l("Choose a date between %(first)s and %(last)s.")
NUMBER_MESSAGE = _l("Enter a number between %(min)s and %(max)s.")
# What a column of the database can hold, for integer fields that state no range of their own.
INT_RANGE = (-(2**31) + 1, 2**31 - 1)
# A text field with no stated length still has one: nothing anyone types here is longer.
TEXT_LIMIT = 20_000


def clean_text(value):
    """Remove control characters a person cannot have meant; refuse NUL, which no database stores."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        raise ValueError(str(NUL_MESSAGE))
    return value.translate(_CONTROL)


def _day_in_range(form, field):
    value = field.data
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and not MIN_DAY <= value <= MAX_DAY:
        raise ValidationError(DAY_MESSAGE % {"first": MIN_DAY.isoformat(), "last": MAX_DAY.isoformat()})


class TextLength(Length):
    """`Length` that keeps what was typed: no `maxlength` attribute (a browser silently cuts pasted text
    at it; the form macro draws `data-maxlength` for the counter instead), and a too-long text is told
    by how much to shorten it."""

    def __init__(self, min=-1, max=-1, message=None):
        super().__init__(min, max, message)
        self.field_flags.pop("maxlength", None)

    def __call__(self, form, field):
        over = len(field.data or "") - self.max if self.max != -1 else 0
        if over > 0 and self.message is None:
            raise ValidationError(ngettext(
                "This is %(num)d character too long: shorten it to at most %(max)d.",
                "This is %(num)d characters too long: shorten it to at most %(max)d.", over, max=self.max))
        super().__call__(form, field)


def _keeping_text(validator):
    """A plain `Length` becomes a `TextLength` (see there)."""
    return TextLength(validator.min, validator.max, validator.message) if type(validator) is Length else validator


def bounded_int(value) -> int:
    """`int` for select fields, refusing what no id column holds (it would overflow the query). A required
    select's placeholder ("— choose —") must carry an empty value in HTML; it reads as 0, "none"."""
    if value == "":
        return 0
    number = int(value)
    if not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise ValueError("out of range")
    return number


def _bounded(unbound: UnboundField) -> UnboundField:
    """A copy of the field with the product's bounds added where the field states none of its own."""
    field_class, kwargs = unbound.field_class, dict(unbound.kwargs)
    validators = list(kwargs.get("validators") or ())
    has = {type(v) for v in validators}
    if issubclass(field_class, StringField) and not issubclass(field_class, HiddenField):
        kwargs["filters"] = [clean_text, *kwargs.get("filters", ())]
        validators = [_keeping_text(v) for v in validators]
        if not has & {Length, TextLength}:
            validators.append(TextLength(max=TEXT_LIMIT))
    elif issubclass(field_class, IntegerField) and NumberRange not in has:
        low, high = INT_RANGE
        validators.append(NumberRange(low, high, message=NUMBER_MESSAGE % {"min": low, "max": high}))
    elif issubclass(field_class, DateField | DateTimeLocalField):
        validators.append(_day_in_range)
    if kwargs.get("coerce") is int:
        kwargs["coerce"] = bounded_int
    kwargs["validators"] = validators
    return UnboundField(field_class, *unbound.args, name=unbound.name, **kwargs)


_BOUNDED: dict = {}  # class-level unbound fields live as long as the app: bound once each


class QuickSelect(Select):
    """wtforms' select, drawing the same HTML, for every select of our forms (a department's 200 people, 300
    places): wtforms builds each option's attributes through a sorted, escaped mapping, which cost more than
    the rest of a form together (10 of the equipment page's 18 ms). An option with extra attributes still
    goes through wtforms."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class Form(FlaskForm):
    """The base of every form: text arrives clean (NUL refused on its field), numbers fit the database's
    columns and dates stay within the years the business can mean, so no stored value can break a page,
    a spreadsheet or a document."""

    # The words of `form_summary` (templates/_macros/forms.html), read there from the form: babel skips
    # folders starting with "_" when it extracts the core catalog, so text written in that macro is never
    # translated.
    required_note = _l("Fields marked * are required.")
    errors_heading = _l("These fields need attention:")

    class Meta:
        def bind_field(self, form, unbound_field, options):
            bounded = _BOUNDED.get(unbound_field)
            if bounded is None:
                bounded = _BOUNDED[unbound_field] = _bounded(unbound_field)
            if issubclass(bounded.field_class, HiddenField):
                # A hidden field has no label to point at it; its default id ("csrf_token", "token")
                # would repeat on every page that carries two forms, which HTML forbids.
                options = {**options, "render_kw": {"id": False, **(bounded.kwargs.get("render_kw") or {})}}
            if issubclass(bounded.field_class, SelectFieldBase) and "widget" not in bounded.kwargs:
                multiple = issubclass(bounded.field_class, SelectMultipleField)
                options = {**options, "widget": QuickSelect(multiple=multiple)}
            return bounded.bind(form=form, **options)


def attach_error(form, exc) -> None:
    """Show a service error (an `app.errors.Refused`) on the field it names, else above the form."""
    message = str(getattr(exc, "message", exc))
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    else:
        form.form_errors.append(message)


@dataclass(frozen=True)
class Kept:
    """A refused inline form drawn again: the hand-written fields of a row's or a step's form (drawn by
    `counted_text` in templates/_macros/forms.html) have no form object to carry what was typed, so the view
    names the refused form (`key`, e.g. "complete" or "skip-12") and passes what was typed and the refusal
    of each field: nothing typed is lost and the message stands under its field. Templates get an empty one
    (`kept`) unless the view passes its own."""
    key: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)

    def value(self, key: str, name: str) -> str:
        return self.values.get(name, "") if key == self.key else ""

    def error(self, key: str, name: str) -> str:
        return self.errors.get(name, "") if key == self.key else ""


def kept_post(key: str, form=None, refusal=None) -> Kept:
    """`Kept` for the refused post of this request: what was sent (less control characters, which no page may
    carry), the form's own errors, and a service's refusal (an `app.errors.Refused`) on the field it names."""
    errors = {name: " ".join(str(e) for e in found) for name, found in (form.errors.items() if form else ())
              if isinstance(name, str)}
    if getattr(refusal, "field", None):
        errors[refusal.field] = str(getattr(refusal, "message", refusal))
    return Kept(key, {name: value.translate(_CONTROL) for name, value in request.form.items()}, errors)


def init_app(app) -> None:
    app.jinja_env.globals["kept"] = Kept()


class OnceForm(Form):
    """A form whose hidden `token` is minted when the form is drawn: a double tap or a resent post
    carries the same token, and `idempotency.once` creates one record for it."""

    token = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.token.data:
            self.token.data = idempotency.new_token()
