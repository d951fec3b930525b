"""Forms for meetings, agenda items, outcomes, action items and their progress."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.choices import options
from app.forms import Form
from app.rooms.forms import room_choices

from .models import Kind, Urgency
from .workflow import ItemStatus

STALE_FORM = _l("This form is out of date; reload the page and try again.")
# A version is a whole number the page was drawn with; anything else is a form from nowhere, as out of date.
VERSION = [DataRequired(message=STALE_FORM), Regexp(r"^[0-9]{1,9}$", message=STALE_FORM)]


class VersionedForm(Form):
    """A form carrying the version it was read at; a missing version is shown as a form error."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if "version" in self and self.version.errors:
            self.form_errors.extend(self.version.errors)
        return valid


class MeetingForm(Form):
    """Series, date, time and room (or a place typed) of a meeting; the view pre-fills the series' next slot.
    Without `series` (moving a meeting) the series is not asked."""
    series_id = SelectField(_l("Series"), coerce=int, validate_choice=False)
    day = DateField(_l("Date"), validators=[DataRequired()])
    time = TimeField(_l("Time"), validators=[DataRequired()])
    room_id = SelectField(_l("Meeting room"), coerce=int, validate_choice=False, validators=[Optional()],
                          description=_l("The room is booked for an hour from the start, through the rooms' "
                                         "clash check."))
    place = StringField(_l("Place elsewhere"), validators=[Length(max=120)],
                        description=_l("Only when no room is chosen, e.g. the workshop floor."))

    def __init__(self, *args, series=None, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        if series is None:
            del self.series_id
        else:
            self.series_id.choices = options((s.id, s.label) for s in series)
        self.room_id.choices = options([(0, _l("— elsewhere (type the place) —"))] + room_choices(rooms))

    def validate_series_id(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a series from the list."))

    def validate_room_id(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a room from the list."))


class AnswerForm(Form):
    """A liaison's answer to the meeting notice (参会回执)."""
    answer = RadioField(_l("Your answer"), choices=options([("attend", _l("Will attend")),
                                                           ("decline", _l("Cannot attend")),
                                                           ("substitute", _l("Sends a substitute"))]),
                        validators=[InputRequired(message=_l("Choose an answer."))])
    substitute_id = SelectField(_l("Who goes instead of you"), coerce=int, validate_choice=False,
                                validators=[Optional()])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.substitute_id.choices = options([(0, _l("— choose —"))] + [(u.id, u.name) for u in people])


class ItemForm(VersionedForm):
    """One agenda item; the same class serves adding, editing and the conflict re-render."""
    kind = SelectField(_l("Kind"), choices=options(Kind), default=Kind.NEED.value)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    details = TextAreaField(_l("Details"), validators=[Length(max=2000)])
    department_id = SelectField(_l("Raised by"), coerce=int, validators=[Optional()])
    addressed_to_id = SelectField(_l("Addressed to"), coerce=int, validators=[Optional()])
    urgency = SelectField(_l("Urgency"), choices=options(Urgency), default=Urgency.NORMAL.value)
    minutes_budget = IntegerField(_l("Time budget (minutes)"), validators=[Optional(), NumberRange(min=1, max=240)])
    version = HiddenField(validators=VERSION)

    def __init__(self, *args, departments=(), can_choose_department=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.version
        choices = [(d.id, str(d)) for d in departments]
        self.addressed_to_id.choices = options([(0, _l("— nobody in particular —"))] + choices)
        if can_choose_department:
            self.department_id.choices = options(choices)
        else:
            # A liaison always speaks for their own department; the field is not shown or trusted.
            del self.department_id


class OutcomeForm(VersionedForm):
    """What the meeting concluded about an item (office)."""
    outcome = TextAreaField(_l("Outcome notes"), validators=[Length(max=2000)])
    decision = StringField(_l("Decision"), validators=[Length(max=500)])
    status = SelectField(_l("Item status"), default=ItemStatus.DISCUSSED.value, choices=options(
        (s.value, s.label) for s in (ItemStatus.DISCUSSED, ItemStatus.OPEN)))
    version = HiddenField(validators=VERSION)


class ActionForm(Form):
    """An action item: every field is required, as the office promises owner + deadline + criterion."""
    task = StringField(_l("Task"), validators=[DataRequired(), Length(max=500)])
    # The service checks the owner (active, in a department) and says what is wrong in words.
    owner_id = SelectField(_l("Owner"), coerce=int, validate_choice=False,
                           validators=[DataRequired(message=_l("Choose an owner."))])
    deadline = DateField(_l("Deadline"), validators=[DataRequired(message=_l("Give a deadline."))])
    acceptance = TextAreaField(_l("Acceptance criterion"), validators=[
        DataRequired(message=_l("Say how the office will check that the task is done.")), Length(max=500)])

    def __init__(self, *args, owners=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.owner_id.choices = options([("", _l("— choose —")), *owners])

    def validate_deadline(self, field):
        if self.today and field.data and field.data < self.today:
            raise ValidationError(_l("The deadline cannot be in the past."))


class ProgressForm(VersionedForm):
    """A move on an action item (only those the state table allows this person), with its note."""
    move = RadioField(_l("What happened?"), validators=[DataRequired(message=_l("Choose what happened."))])
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)],
                         description=_l("Progress, what was done, or why it goes back."))
    percent = IntegerField(_l("Progress in %"), validators=[Optional(), NumberRange(min=0, max=100)],
                           description=_l("Optional, 0 to 100."))
    version = HiddenField(validators=VERSION)

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.move.choices = options((m.name, m.label) for m in moves)
        if len(moves) == 1 and not self.move.data:
            self.move.data = moves[0].name


class AttendanceForm(Form):
    """Only the CSRF token: the per-department fields are read by name, one pair per department."""


class AmendmentForm(Form):
    text = TextAreaField(_l("Correction"), validators=[DataRequired(), Length(max=2000)])


class SeriesForm(Form):
    """A meeting series: its names, default room or place, and (a group's) members."""
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=80)])
    member_ids = SelectMultipleField(_l("Members"), coerce=int, validate_choice=False,
                                     description=_l("Hold Ctrl (or tap) to choose several."))
    room_id = SelectField(_l("Usual meeting room"), coerce=int, validate_choice=False, validators=[Optional()])
    place = StringField(_l("Usual place elsewhere"), validators=[Optional(), Length(max=120)])
    active = BooleanField(_l("Meets (active)"), default=True)

    def __init__(self, *args, people=(), rooms=(), group=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = options([(0, _l("— none —"))] + room_choices(rooms))
        if group:
            self.member_ids.choices = options((u.id, f"{u.name} · {u.department}" if u.department else u.name)
                                              for u in people)
        else:
            # The liaison meeting's members are the departments' liaisons, and it always meets.
            del self.member_ids
            del self.active

    def values(self) -> dict:
        values = {"name": (self.name.data or "").strip(), "name_en": (self.name_en.data or "").strip(),
                  "place": (self.place.data or "").strip(), "room_id": self.room_id.data or None}
        if "active" in self:
            values["active"] = bool(self.active.data)
        return values

    def members(self) -> tuple:
        return tuple(self.member_ids.data or ()) if "member_ids" in self else ()
