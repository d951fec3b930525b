"""What every feature's forms share: putting a service's refusal on its field, and exactly-once posts."""
from flask_wtf import FlaskForm
from wtforms import HiddenField

from app import idempotency


def attach_error(form, exc) -> None:
    """Show a service error (an `app.errors.Refused`) on the field it names, else above the form."""
    message = str(getattr(exc, "message", exc))
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
    else:
        form.form_errors.append(message)


class OnceForm(FlaskForm):
    """A form whose hidden `token` is minted when the form is drawn: a double tap or a resent post
    carries the same token, and `idempotency.once` creates one record for it."""

    token = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.token.data:
            self.token.data = idempotency.new_token()
