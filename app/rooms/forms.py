"""Forms: a room, a booking (once or recurring), moving one, answering, and the equipment check."""
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.choices import options
from app.forms import Form, OnceForm
from app.timeutil import parse_day, to_utc

from .services import BookingData
from .workflow import Answer, Need

REPEATS = {0: _l("Once"), 1: _l("Every week"), 2: _l("Every two weeks")}


class CheckboxListField(SelectMultipleField):
    """Drawn by the form macro as a fieldset of boxes (the name it looks for)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoomForm(Form):
    """A room of the shared list, kept by the office and administrators."""
    name = StringField(_l("Room name"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=80)])
    building = StringField(_l("Building"), validators=[Optional(), Length(max=80)])
    floor = StringField(_l("Floor"), validators=[Optional(), Length(max=20)])
    capacity = IntegerField(_l("Seats"), default=0, validators=[Optional(), NumberRange(min=0, max=2000)])
    projector = BooleanField(_l("Projector"))
    video = BooleanField(_l("Video conferencing"))
    whiteboard = BooleanField(_l("Whiteboard"))
    needs_approval = BooleanField(_l("Bookings need the office's approval"))

    def values(self) -> dict:
        texts = {name: (getattr(self, name).data or "").strip() for name in ("name", "name_en", "building", "floor")}
        flags = {name: bool(getattr(self, name).data) for name in ("projector", "video", "whiteboard",
                                                                    "needs_approval")}
        return {**texts, **flags, "capacity": self.capacity.data or 0}


def _when(day, moment):
    return to_utc(datetime.combine(day, moment)) if day and moment else None


class SlotFields(Form):
    room_id = SelectField(_l("Meeting room"), coerce=int, validate_choice=False,
                          validators=[DataRequired(message=_l("Choose a room."))])
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Choose the day."))])
    starts = TimeField(_l("Start time"), validators=[InputRequired(message=_l("Give the start time, e.g. 10:00."))])
    ends = TimeField(_l("End time"), validators=[InputRequired(message=_l("Give the end time, e.g. 11:00."))])

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = options([("", _l("— choose —"))] + room_choices(rooms))

    def slot(self):
        return _when(self.day.data, self.starts.data), _when(self.day.data, self.ends.data)


def room_choices(rooms) -> list[tuple[int, str]]:
    """(id, label) of each room for a form's room list: its name, where it is and its seats. The word for
    seats is looked up once for the list: as a lazy string per room, a form listing 45 rooms spent a
    millisecond on it."""
    seats = _("%(num)d seats")
    return [(room.id, _room_label(room, seats % {"num": room.capacity} if room.capacity else ""))
            for room in rooms]


def _room_label(room, seats: str) -> str:
    return " · ".join(part for part in (room.label, room.where, seats) if part)


class BookingForm(OnceForm, SlotFields):
    """Booking a room; a double tap books once (OnceForm's token)."""
    title = StringField(_l("Meeting title"), validators=[DataRequired(), Length(max=200)])
    attendee_ids = SelectMultipleField(_l("People"), coerce=int, validate_choice=False,
                                       description=_l("Hold Ctrl (or tap) to choose several."))
    department_ids = CheckboxListField(_l("Whole departments"), coerce=int, validate_choice=False)
    needs = CheckboxListField(_l("Needs"), choices=options(Need), validate_choice=False)
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    repeat = SelectField(_l("Repeat"), coerce=int, choices=options(REPEATS), default=0)
    until = DateField(_l("Last day of the series"), validators=[Optional()])
    skip = StringField(_l("Leave out these dates"), validators=[Optional(), Length(max=400)],
                       description=_l("Dates such as 2026-12-24, separated by commas."))

    def __init__(self, *args, people=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendee_ids.choices = options((u.id, u.name) for u in people)
        self.department_ids.choices = options((d.id, str(d)) for d in departments)

    def validate_skip(self, field):
        if any(parse_day(part.strip()) is None for part in (field.data or "").split(",") if part.strip()):
            raise ValidationError(_l("Write dates as 2026-12-24, separated by commas."))

    def data_for_service(self) -> BookingData:
        starts_at, ends_at = self.slot()
        skip = tuple(parse_day(part.strip()) for part in (self.skip.data or "").split(",") if part.strip())
        return BookingData(room_id=self.room_id.data or 0, starts_at=starts_at, ends_at=ends_at,
                           title=self.title.data or "", agenda=self.agenda.data or "",
                           needs=tuple(self.needs.data or ()), attendee_ids=tuple(self.attendee_ids.data or ()),
                           department_ids=tuple(self.department_ids.data or ()), repeat_weeks=self.repeat.data or 0,
                           until=self.until.data, skip=skip)


class MoveForm(SlotFields):
    """Another time or room for a booking."""


class AnswerForm(Form):
    answer = RadioField(_l("Your answer"), choices=options([(a.value, a.label) for a in Answer if a != Answer.WAITING]),
                        validators=[InputRequired(message=_l("Choose an answer."))])
    substitute_id = SelectField(_l("Who goes instead of you"), coerce=int, validate_choice=False,
                                validators=[Optional()])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.substitute_id.choices = options([(0, _l("— choose —"))] + [(u.id, u.name) for u in people])


class CheckForm(Form):
    note = TextAreaField(_l("What is wrong"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2})
