"""Forms: filing a request, workflow steps, catalogue entries and handlers."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.choices import options
from app.forms import Form, OnceForm
from app.uploads import DOCUMENT_ACCEPT, DOCUMENT_MAX_BYTES, DOCUMENT_MAX_MB, MAX_SIDE

from .models import MAX_FILES, department_name

FILES_HELP = _l("Up to 3 photos or files (PDF, Word, Excel, PowerPoint), at most 10 MB each.")
# static/photos.js shrinks a phone's big photos to MAX_SIDE pixels a side before the upload (documents are
# sent as they are); static/app.js then refuses, before a slow upload, what the server would refuse: a fourth
# file or one still over 10 MB. Three 12 MB photos would otherwise be a body over the server's limit, and
# its 413 page loses what was typed.
FILES_ATTRS = {"multiple": True, "accept": "image/*," + DOCUMENT_ACCEPT, "data-shrink-side": MAX_SIDE,
               "data-max-bytes": DOCUMENT_MAX_BYTES, "data-max-files": MAX_FILES,
               "data-too-large": _l("A file is larger than %(mb)d MB. Choose a smaller one.", mb=DOCUMENT_MAX_MB),
               "data-too-many": _l("Attach at most %(n)d files.", n=MAX_FILES)}


class RequestForm(OnceForm):
    """Filing a request; the type's extra fields are drawn and read beside it (fields.py). A double tap
    files one request (OnceForm's token)."""
    type_id = SelectField(_l("What do you need"), coerce=int, validate_choice=False,
                          validators=[DataRequired(message=_l("Choose a type of request from the list."))])
    text = TextAreaField(_l("Your request"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 4})
    files = MultipleFileField(_l("Photos or files"), description=FILES_HELP, render_kw=FILES_ATTRS)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type_id.choices = options([("", _l("— choose —"))] + [(t.id, t.name) for t in types])


class ActionForm(Form):
    """One workflow step; `version` is the state the person saw, so a stale click is caught."""
    version = IntegerField(validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    department_id = SelectField(_l("Department"), coerce=int, validate_choice=False, validators=[Optional()])

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = options([("", _l("— choose —"))]
                                             + [(d.id, department_name(d)) for d in departments])


class TypeForm(Form):
    """A catalogue entry, kept by the office."""
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=80)])
    department_id = SelectField(_l("Answering department"), coerce=int, validate_choice=False,
                                validators=[DataRequired(message=_l("Choose a department."))])
    guidance = TextAreaField(_l("What to attach or say"), validators=[Optional(), Length(max=1000)],
                             render_kw={"rows": 3})
    fields_spec = TextAreaField(_l("Extra fields"), validators=[Optional(), Length(max=2000)],
                                render_kw={"rows": 3},
                                description=_l("One a line: “label | kind | choices”; kinds: text, number, "
                                               "date, choice, file; a label ending in * is required."))
    answer_days = IntegerField(_l("Answer within (working days)"), default=1,
                               validators=[DataRequired(), NumberRange(min=1, max=60)])
    complete_days = IntegerField(_l("Complete within (working days)"), default=3,
                                 validators=[DataRequired(), NumberRange(min=1, max=250)])
    filer_ids = SelectMultipleField(_l("Who may file"), coerce=int, validate_choice=False,
                                    description=_l("Choose none for everyone."))
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        pairs = [(d.id, department_name(d)) for d in departments]
        self.department_id.choices = options([("", _l("— choose —"))] + pairs)
        self.filer_ids.choices = options(pairs)

    def validate_complete_days(self, field):
        if self.answer_days.data and field.data and field.data < self.answer_days.data:
            raise ValueError(_l("Completion cannot be due before the first answer."))


class HandlerForm(Form):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=40)])
    department_id = SelectField(_l("Department"), coerce=int, validate_choice=False,
                                validators=[DataRequired(message=_l("Choose a department."))])

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = options([("", _l("— choose —"))]
                                             + [(d.id, department_name(d)) for d in departments])
