"""The form for assigning a task outside a meeting."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.choices import options
from app.forms import OnceForm
from app.uploads import DOCUMENT_ACCEPT

from .workflow import ASSIGNABLE_SOURCES


class TaskForm(OnceForm):
    """Title, owner, deadline and acceptance criterion are required (责任人 + 完成时限 + 验收标准); a double
    tap assigns one task (OnceForm's token)."""
    title = StringField(_l("Task"), validators=[DataRequired(message=_l("Say what is to be done.")),
                                                Length(max=500)])
    details = TextAreaField(_l("Details"), validators=[Length(max=4000)])
    # The service checks the owner (active, in a department) and says what is wrong in words.
    owner_id = SelectField(_l("Owner"), coerce=int, validate_choice=False,
                           validators=[DataRequired(message=_l("Choose an owner."))],
                           description=_l("The person who answers for it; their department is shown."))
    deadline = DateField(_l("Deadline"), validators=[DataRequired(message=_l("Give a deadline."))],
                         description=_l("A working day of the office calendar."))
    acceptance = TextAreaField(_l("Acceptance criterion"), validators=[
        DataRequired(message=_l("Say how you will check that the task is done.")), Length(max=500)])
    source = RadioField(_l("Source"), default="leadership",
                        validators=[DataRequired(message=_l("Choose where the task comes from."))])
    files = MultipleFileField(_l("Attachments"), render_kw={"multiple": True, "accept": DOCUMENT_ACCEPT},
                              description=_l("Optional: up to 3 files (PDF, Word, Excel, PowerPoint), at most 10 MB "
                                             "each."))
    source_note = StringField(_l("Source, in words"), validators=[Length(max=200)],
                              description=_l("Optional, e.g. which instruction or request."))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The placeholder's value is empty, as HTML wants of a required select; it reads as 0 (bounded_int).
        self.owner_id.choices = options([("", _l("— choose —")), *owners])
        self.source.choices = options((s.value, s.label) for s in ASSIGNABLE_SOURCES)
