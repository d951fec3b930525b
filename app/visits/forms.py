"""Forms for visits, checklist steps, templates and rooms."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.choices import options
from app.forms import Form, OnceForm
from app.timeutil import to_utc

from .models import Responsible, VisitType
from .services import VisitData

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class Needed:
    """Marks a field required (starred by render_field) whose rule the service checks and explains: the visitor
    names (one per line), the host and the owner (chosen from lists the form cannot judge alone)."""
    field_flags = {"required": True}

    def __call__(self, form, field):
        """Nothing here: services.visit_problems refuses, with a message naming what to do."""


class VisitForm(OnceForm):
    """Serves creating, requesting and editing a visit; a request has no owner field (the office names one).
    Its token makes a double tap on "Plan the visit" create one visit."""
    organisation = StringField(_l("Visitor organisation"), validators=[DataRequired(), Length(max=120)])
    different_group = BooleanField(_l("This is a different group"), description=_l(
        "Another group from the same organisation at the same time, received in a visit of its own."))
    visitor_names = TextAreaField(_l("Visitor names"), validators=[Needed(), Length(max=2000)],
                                  description=_l("One name per line."))
    visitor_count = IntegerField(_l("Number of visitors"), validators=[Optional(), NumberRange(1, 500)],
                                 description=_l("Leave empty to count the names."))
    lead_phone = StringField(_l("Phone of the lead visitor"), validators=[
        Optional(), Length(max=40),
        Regexp(r"^[0-9+() -]{5,40}$", message=_l("Digits, spaces, + ( ) and - only."))])
    purpose = TextAreaField(_l("Purpose"), validators=[DataRequired(), Length(max=500)])
    visit_type = SelectField(_l("Visit type"), choices=options(VisitType),
                             description=_l("Picks the reception checklist."))
    host_id = SelectField(_l("Host"), coerce=int, validate_choice=False, validators=[Needed()])
    host_department_id = SelectField(_l("Host department"), coerce=int, validate_choice=False,
                                     description=_l("Lists the department's employees to choose the host."))
    expected_arrival = DateTimeLocalField(_l("Expected arrival"), format=DATETIME_FORMAT,
                                          validators=[InputRequired(_l("Give the date and time."))])
    expected_departure = DateTimeLocalField(_l("Expected departure"), format=DATETIME_FORMAT,
                                            validators=[InputRequired(_l("Give the date and time."))])
    room_id = SelectField(_l("Meeting room"), coerce=int, validate_choice=False)
    room_text = StringField(_l("Other place"), validators=[Length(max=80)],
                            description=_l("Only when the room is not in the list."))
    meals_count = IntegerField(_l("Meals"), default=0, validators=[Optional(), NumberRange(0, 500)])
    dietary_notes = StringField(_l("Dietary notes"), validators=[Length(max=500)])
    materials = TextAreaField(_l("Materials needed"), validators=[Length(max=1000)])
    licence_plates = StringField(_l("Licence plates for the gate"), validators=[Length(max=200)])
    vip = BooleanField(_l("VIP visit"))
    reception_note = TextAreaField(_l("Private note for reception"), validators=[Length(max=1000)])
    cohost_department = SelectField(_l("Co-hosts from"), coerce=int, validate_choice=False,
                                    description=_l("Co-hosts may come from any department."))
    cohost_ids = SelectMultipleField(_l("Co-hosts"), coerce=int, validate_choice=False,
                                     )
    owner_id = SelectField(_l("Visit owner"), coerce=int, validate_choice=False, validators=[Needed()],
                           description=_l("One office staff member responsible end to end."))
    version = HiddenField()

    def __init__(self, *args, hosts=(), cohosts=(), departments=(), rooms=(), owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A required select's placeholder has an empty value (HTML); it reads as 0, "nobody chosen".
        self.host_id.choices = options([("", _l("— choose —"))] + [(u.id, u.name) for u in hosts])
        self.cohost_ids.choices = options((u.id, u.name) for u in cohosts)
        self.host_department_id.choices = options([(0, _l("— choose —"))] + [(d.id, str(d)) for d in departments])
        self.cohost_department.choices = list(self.host_department_id.choices)
        self.room_id.choices = options([(0, _l("— other place, type it below —"))] + [(r.id, r.name) for r in rooms])
        if owners is None:
            # Only reception and office plan visits: a host's request has no owner to pick and no duplicate
            # warning to override.
            del self.owner_id
            del self.different_group
        else:
            self.owner_id.choices = options([("", _l("— choose —"))] + [(u.id, u.name) for u in owners])

    def to_data(self) -> VisitData:
        """What the form says; the times may be None only for `people_problems` (see checkable_data)."""
        names = [n for n in (self.visitor_names.data or "").splitlines() if n.strip()]
        return VisitData(
            organisation=self.organisation.data or "", visitor_names=self.visitor_names.data or "",
            visitor_count=self.visitor_count.data or len(names), purpose=self.purpose.data or "",
            visit_type=self.visit_type.data, host_id=self.host_id.data or 0,
            host_department_id=self.host_department_id.data or None,
            expected_arrival=_utc_or_none(self.expected_arrival.data),
            expected_departure=_utc_or_none(self.expected_departure.data), lead_phone=self.lead_phone.data or "",
            room_id=self.room_id.data or None, room_text=self.room_text.data or "",
            meals_count=self.meals_count.data or 0, dietary_notes=self.dietary_notes.data or "",
            materials=self.materials.data or "", licence_plates=self.licence_plates.data or "",
            vip=self.vip.data, reception_note=self.reception_note.data or "",
            owner_id=self.owner_id.data if "owner_id" in self else None, cohost_ids=self.cohost_ids.data or [],
            different_group="different_group" in self and bool(self.different_group.data))


    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # The fields the form itself refused, before any rule of the service adds its errors.
        self.refused = {field.name for field in self if field.errors}
        return valid

    def checkable_data(self) -> VisitData | None:
        """What the service's rules can be checked against while the form still has errors: None until both
        times are valid, and any text the form refused (a NUL, a 100,000-character value) left out, so an
        inline check never sends to the database what the form refused."""
        refused = getattr(self, "refused", set())
        if any(f.name in refused or not f.data for f in (self.expected_arrival, self.expected_departure)):
            return None
        data = self.to_data()
        for name in refused:
            if isinstance(getattr(data, name, None), str):
                setattr(data, name, "")
        return data


def _utc_or_none(moment):
    """None for a missing time or one the form refused at the ends of the calendar (year 1 or 9999)."""
    try:
        return to_utc(moment) if moment else None
    except OverflowError:
        return None


class ReasonForm(Form):
    """Unticking or skipping a step, and cancelling a visit, all need a reason."""
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=500)])


class NoteForm(Form):
    note = StringField(_l("Note"), validators=[Length(max=500)])


class AcceptForm(Form):
    owner_id = SelectField(_l("Visit owner"), coerce=int, validate_choice=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = options([(0, _l("— choose —"))] + [(u.id, u.name) for u in owners])


TIMINGS = [
    ("before_arrival", _l("before arrival")),
    ("at_arrival", _l("at arrival")),
    ("after_arrival", _l("after arrival")),
    ("before_departure", _l("before departure")),
    ("at_departure", _l("at departure")),
    ("after_departure", _l("after departure")),
]
# Days are working days (checklist.due_time): "2 working days before arrival" falls before a weekend or holiday.
UNITS = [("days", _l("working days")), ("hours", _l("hours")), ("minutes", _l("minutes"))]
UNIT_MINUTES = {"days": 24 * 60, "hours": 60, "minutes": 1}


class TemplateStepForm(Form):
    """One checklist step of a template; the due time is an amount and unit before or after an anchor."""
    title = StringField(_l("Step"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=1000)])
    responsible = SelectField(_l("Responsible"), choices=options(Responsible))
    amount = IntegerField(_l("How long"), default=0, validators=[Optional(), NumberRange(0, 365)])
    unit = SelectField(_l("Unit"), choices=options(UNITS))
    timing = SelectField(_l("When"), choices=options(TIMINGS))

    def load(self, step) -> None:
        """Show a stored step's anchor and signed offset as amount, unit and before/at/after."""
        minutes = abs(step.offset_minutes)
        unit = next((u for u in ("days", "hours") if minutes and minutes % UNIT_MINUTES[u] == 0), "minutes")
        self.amount.data = minutes // UNIT_MINUTES[unit]
        self.unit.data = unit
        side = "at" if step.offset_minutes == 0 else ("before" if step.offset_minutes < 0 else "after")
        self.timing.data = f"{side}_{step.anchor}"

    def values(self) -> dict:
        side, _sep, anchor = self.timing.data.partition("_")
        minutes = (self.amount.data or 0) * UNIT_MINUTES[self.unit.data]
        offset = 0 if side == "at" else (-minutes if side == "before" else minutes)
        return {"title": self.title.data.strip(), "description": (self.description.data or "").strip(),
                "responsible": self.responsible.data, "anchor": anchor, "offset_minutes": offset}
