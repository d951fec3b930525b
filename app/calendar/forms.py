"""The office's own calendar days."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from app.choices import options
from app.forms import Form

from .models import CLOSED, WORKING

KINDS = {CLOSED: _l("Closed (a company holiday or closure)"), WORKING: _l("Working day (make-up or extra)")}


class DayForm(Form):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose the date."))])
    kind = RadioField(_l("The day is"), choices=options(KINDS), default=CLOSED,
                      validators=[DataRequired(_l("Choose a closure or a working day."))])
    note = StringField(_l("Reason"), validators=[Length(max=100)],
                       description=_l("For example: company anniversary, office move. Up to 100 characters."))
