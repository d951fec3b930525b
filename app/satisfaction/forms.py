"""The one rating form (1–5 and an optional comment), used for repairs, visits, requests and suggestions; and
the survey's forms: opening a round, and answering one."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

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


class RoundForm(Form):
    """The office opens a survey round: title, period, editable questions, who is asked."""
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    period_start = DateField(_l("Period from"), validators=[DataRequired()])
    period_end = DateField(_l("Period to"), validators=[DataRequired()])
    questions = TextAreaField(_l("Questions, one a line (answered 1–5, counted as 0–100)"),
                              validators=[DataRequired(), Length(max=4000)])
    respondents = TextAreaField(_l("Named respondents (logins, one a line)"), validators=[Length(max=4000)],
                                description=_l("Leave empty to ask every member of every department."))

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The period ends before it starts."))

    def question_lines(self) -> list[str]:
        return [line for line in (self.questions.data or "").splitlines() if line.strip()]

    def logins(self) -> list[str]:
        return [line.strip() for line in (self.respondents.data or "").replace(",", "\n").splitlines()
                if line.strip()]


_ANSWER_FORMS: dict = {}


def answer_form_class(round_):
    """One form class per round (its questions are its fields `q<id>`), made once and kept."""
    key = (round_.id, tuple(q.id for q in round_.questions))
    if key not in _ANSWER_FORMS:
        fields = {f"q{q.id}": RadioField(q.text, coerce=int, validators=[InputRequired()],
                                         choices=options((n, str(n)) for n in range(1, 6)))
                  for q in round_.questions}
        fields["comment"] = TextAreaField(_l("Anything else you want the office to know? (optional)"),
                                          validators=[Optional(), Length(max=COMMENT_MAX * 2)])
        _ANSWER_FORMS[key] = type("SurveyAnswerForm", (Form,), fields)
    return _ANSWER_FORMS[key]
