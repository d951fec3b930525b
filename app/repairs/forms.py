"""Forms: filing a request, adding a report, workflow steps, places, equipment, imports, roster."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.choices import options
from app.forms import Form, OnceForm
from app.uploads import MAX_MB, photo_input_attrs

from .models import MAX_PHOTOS, TOO_MANY_PHOTOS, Category, Urgency, WaitReason

# The numbers come from where they are enforced, so the help cannot drift from the rule again.
PHOTO_HELP = _l("Up to %(n)d photos (JPEG, PNG, WebP or HEIC), at most %(mb)d MB each.", n=MAX_PHOTOS, mb=MAX_MB)


class RepairForm(OnceForm):
    """Filing a new request; location and equipment may arrive prefilled from a QR code. A double tap
    files one request (OnceForm's token)."""
    location_id = SelectField(_l("Location"), coerce=int, validate_choice=False,
                              validators=[DataRequired(message=_l("Choose a location from the list."))])
    equipment_id = SelectField(_l("Equipment"), coerce=int, validate_choice=False, validators=[Optional()],
                               description=_l("Optional: pick the piece of equipment if you know it."))
    category = SelectField(_l("What kind of fault"), choices=options(Category), default=Category.OTHER.value)
    urgency = RadioField(_l("Urgency"), choices=options(Urgency), default=Urgency.NORMAL.value)
    description = TextAreaField(_l("What is wrong"), validators=[DataRequired(), Length(max=2000)],
                                render_kw={"rows": 4})
    photos = MultipleFileField(_l("Photos"), description=PHOTO_HELP,
                               render_kw=photo_input_attrs(MAX_PHOTOS, TOO_MANY_PHOTOS))
    phone = StringField(_l("Contact phone"), validators=[
        Optional(), Length(max=30),
        Regexp(r"^[0-9+() -]*$", message=_l("Digits, spaces and + - ( ) only."))],
        description=_l("Optional, in case the technician needs to call you."))

    def __init__(self, *args, locations=(), equipment=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.location_id.choices = options([("", _l("— choose —"))] + [(loc.id, loc.label) for loc in locations])
        self.equipment_id.choices = options([(0, _l("— not sure / none —"))] + [(e.id, str(e)) for e in equipment])


class ReportForm(Form):
    """Adding my words and photos to someone else's open request."""
    description = TextAreaField(_l("What you see"), validators=[DataRequired(), Length(max=2000)],
                                render_kw={"rows": 3})
    photos = MultipleFileField(_l("Photos"), description=PHOTO_HELP,
                               render_kw=photo_input_attrs(MAX_PHOTOS, TOO_MANY_PHOTOS))


class ActionForm(Form):
    """One workflow step; `version` is the state the person saw, so a stale click is caught."""
    version = IntegerField(validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    parts = StringField(_l("Parts used"), validators=[Optional(), Length(max=500)])
    wait_reason = SelectField(_l("Waiting for"), validators=[Optional()],
                              choices=options([("", "—")] + [(r.value, r.label) for r in WaitReason]))
    assignee_id = SelectField(_l("Maintenance person"), coerce=int, validate_choice=False,
                              validators=[Optional()])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = options([(0, _l("— choose —"))] + [(p.id, p.name) for p in people])


class LocationForm(Form):
    building = StringField(_l("Building"), validators=[DataRequired(), Length(max=80)])
    floor = StringField(_l("Floor"), validators=[Optional(), Length(max=20)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=80)])
    active = BooleanField(_l("In use"), default=True)


class EquipmentForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    asset_number = StringField(_l("Asset number"), validators=[DataRequired(), Length(max=40)])
    location_id = SelectField(_l("Location"), coerce=int)
    category = SelectField(_l("Category"), choices=options(Category), default=Category.OTHER.value)
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.location_id.choices = options((loc.id, loc.label) for loc in locations)


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))])


class RosterForm(Form):
    """Only the CSRF token: the slots are read as `<day>_<shift>` fields by the roster view."""
