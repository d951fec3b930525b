"""The one rating form (1–5 and an optional comment), used for repairs, visits, requests and suggestions."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.choices import options
from app.forms import Form

from .models import COMMENT_MAX


class RatingForm(Form):
    score = RadioField(_l("How well was it handled?"), coerce=int, validators=[InputRequired()],
                       choices=options((n, str(n)) for n in range(1, 6)))
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=COMMENT_MAX)])

    def validate_score(self, field):
        if field.data not in range(1, 6):
            raise ValidationError(_l("Choose from 1 to 5 stars."))
