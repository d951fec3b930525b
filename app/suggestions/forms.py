"""Forms of the suggestion box; each serves both its create and its edit."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.choices import options
from app.forms import Form, OnceForm
from app.satisfaction.forms import RatingForm  # noqa: F401  (the one rating form, shared)
from app.timeutil import today
from app.uploads import MAX_BYTES, TOO_LARGE, photo_input_attrs

from . import codes
from .models import ANSWER_MAX, DETAILS_MAX, NOTE_MAX, TITLE_MAX
from .queries import id_of
from .workflow import Status


class SuggestionForm(OnceForm):
    """Filing from a phone; with paper=True the office types in a slip from the physical box.

    Its `token` makes a resent form find the note it already created (`services.file_suggestion`).
    """
    category_id = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])  # 0: the placeholder
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        description=_l("In a few words, for example “The canteen closes before the late shift”."))
    details = TextAreaField(_l("Details"), validators=[DataRequired(), Length(max=DETAILS_MAX)],
                            description=_l("What happens, where, and what would help."))
    photo = FileField(_l("Photo (optional)"), render_kw=photo_input_attrs())
    anonymous = BooleanField(_l("Send anonymously"),
                             description=_l("Nobody, not even the office, can see who sent it; you get a "
                                            "tracking code to follow the answer."))
    slip_date = DateField(_l("Date on the slip"), validators=[Optional()])

    def __init__(self, *args, categories=(), paper: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty first choice: a required select must not preselect a real category (HTML), or a user
        # who skips it files under the first one.
        self.category_id.choices = options([("", _l("— choose —")), *((c.id, str(c)) for c in categories)])
        if paper:
            del self.anonymous
            self.slip_date.validators = [DataRequired()]
        else:
            del self.slip_date

    def validate_photo(self, field):
        data = field.data
        if data and getattr(data, "content_length", 0) and data.content_length > MAX_BYTES:
            raise ValidationError(TOO_LARGE)

    def validate_slip_date(self, field):
        if field.data and field.data > today():
            raise ValidationError(_l("The slip's date cannot be in the future."))


class AnswerForm(Form):
    """The office's answer: text the author reads, optionally changing the status."""
    status_to = SelectField(_l("New status"), validators=[Optional()])
    template_id = SelectField(_l("Start from a template"), coerce=int, validators=[Optional()])
    body = TextAreaField(_l("Answer to the author"), validators=[Length(max=ANSWER_MAX)],
                         description=_l("For a deferred or declined suggestion, say why."))
    plan = TextAreaField(_l("Plan"), validators=[Length(max=ANSWER_MAX)],
                         description=_l("Deferred only: what will happen, step by step."))
    target_date = DateField(_l("Target date"), validators=[Optional()])
    version = IntegerField(validators=[InputRequired()])
    # The pressed button's value ("publish" or "draft"), posted by the buttons themselves, never drawn.
    action = StringField()

    def __init__(self, *args, targets=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status_to.choices = options([("", _l("— keep the status —"))] + [(s.value, s.label) for s in targets])
        self.template_id.choices = options([(0, _l("— none —"))] + [(t.id, t.title) for t in templates])

    @property
    def publishes(self) -> bool:
        """Publish now, unless the office pressed "Save as draft"."""
        return self.action.data != "draft"

    def validate_target_date(self, field):
        if field.data and self.status_to.data == Status.DEFERRED.value and field.data < today():
            raise ValidationError(_l("The target date is in the past."))


class NoteForm(Form):
    # Its own id: the answer form on the same page has a `body` too, and a label must find its own box.
    body = TextAreaField(_l("Internal note"), id="note-body", validators=[DataRequired(), Length(max=NOTE_MAX)],
                         description=_l("Only the office sees internal notes."))


class MergeForm(Form):
    target_id = StringField(_l("Number of the suggestion to keep"), validators=[DataRequired(), Length(max=40)],
                            description=_l("The number shown on each row of the triage list, like S-2026-0412; "
                                           "search the list for words to find it."))

    @property
    def target_number(self) -> int | None:
        return id_of(self.target_id.data)

    def validate_target_id(self, field):
        if self.target_number is None:
            raise ValidationError(_l("Enter the number of the suggestion to keep, like S-2026-0412."))


class ReplyForm(Form):
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=ANSWER_MAX)])


class TrackForm(Form):
    code = StringField(_l("Tracking code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The code you were shown when you sent your anonymous suggestion."))

    def validate_code(self, field):
        if codes.by_code(field.data) is None:
            raise ValidationError(_l("No suggestion has this tracking code. Check it and try again."))


class PublishDraftForm(Form):
    """The "publish the draft" button: the version the page showed, so a second publisher is told."""
    version = IntegerField(validators=[InputRequired()])


class TemplateForm(Form):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    body = TextAreaField(_l("Answer text"), validators=[DataRequired(), Length(max=ANSWER_MAX)])
    active = BooleanField(_l("In use"), default=True)


class CategoryForm(Form):
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=40)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])
    active = BooleanField(_l("In use"), default=True)


class RouteForm(Form):
    """The office hands a suggestion to the department that must act, with an internal deadline."""
    department_id = SelectField(_l("Responsible department"), coerce=int, validate_choice=False,
                                validators=[DataRequired(message=_l("Choose a department."))])
    working_days = IntegerField(_l("Draft due in (working days)"), default=3,
                                validators=[InputRequired(), NumberRange(min=1, max=30)])

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = options([("", _l("— choose —")), *((d.id, str(d)) for d in departments)])


class DepartmentDraftForm(Form):
    """A department's drafted answer: what it proposes the office tells the author."""
    status_to = SelectField(_l("Proposed outcome"), validators=[DataRequired()])
    body = TextAreaField(_l("Answer to the author"), validators=[Length(max=ANSWER_MAX)],
                         description=_l("For a deferred or declined suggestion, say why."))
    plan = TextAreaField(_l("Plan"), validators=[Length(max=ANSWER_MAX)],
                         description=_l("Deferred only: what will happen, step by step."))
    target_date = DateField(_l("Target date"), validators=[Optional()])
    version = IntegerField(validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_to.choices = options([("", _l("— choose —"))] + [
            (s.value, s.label) for s in (Status.RESOLVED, Status.DEFERRED, Status.DECLINED)])

    def validate_target_date(self, field):
        if field.data and self.status_to.data == Status.DEFERRED.value and field.data < today():
            raise ValidationError(_l("The target date is in the past."))
