"""The month the report is for: `?month=2026-11`, the form a GET so the address can be shared."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from app.forms import Form
from app.timeutil import MAX_DAY, MIN_DAY

MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class MonthForm(Form):
    month = StringField(_l("Month"), validators=[Optional(), Length(max=20)],
                        description=_l("Year and month, like 2026-11."))

    class Meta:
        csrf = False  # a GET form that changes nothing

    def validate_month(self, field):
        if self.chosen is None:
            raise ValidationError(_l("Write the month as year-month, like 2026-11."))

    @property
    def chosen(self) -> date | None:
        """The first day of the month typed, or None when it is not a month."""
        match = MONTH.match(self.month.data or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None
        first = date(int(match.group(1)), int(match.group(2)), 1)
        return first if MIN_DAY <= first <= MAX_DAY else None
