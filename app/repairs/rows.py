"""What every repair list row says that is the same for all rows: labels and fixed words in the reader's language.

A list draws dozens of rows, each with a status, an urgency and a kind of fault: asking Babel for each
label on each row (a lazy string resolved through the request's locale every time) cost more than the rest
of the row, so the words are looked up once per request and the rows read them from dictionaries.
"""
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

from flask import current_app, g
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.i18n import clock

from .clock import clock_words, paused_clock_text
from .models import Category, Location, RepairRequest, Urgency
from .workflow import Status

_KEPT = "repair_row_texts"


class Labels(dict):
    """Labels by stored value; an unknown value (an old row) shows as it is stored."""

    def __missing__(self, value):
        return value


def _labels(enum_class) -> Labels:
    return Labels((member.value, str(member.label)) for member in enum_class)


# A row's own times (filed, closed) never change, and a board or queue shows mostly the same rows view after
# view: each is written once per language and zone and kept (bounded), as the clocks' words are (clock.py).
_WRITTEN: dict = {}


def _kept_times(fmt: str):
    """clock(fmt), each moment written once per process for this request's language and zone."""
    write, key = clock(fmt), (str(get_locale()), current_app.config["TIMEZONE"], fmt)

    def when(moment: datetime | None) -> str:
        text = _WRITTEN.get((key, moment))
        if text is None:
            if len(_WRITTEN) > 20_000:  # a bound: a few weeks of rows
                _WRITTEN.clear()
            text = _WRITTEN[key, moment] = write(moment)
        return text
    return when


def _texts() -> SimpleNamespace:
    # The template's own words are Markup, trusted as the template's `_()` trusts them, so that % escapes
    # what fills them (`handled_by % {"name": ...}`); gettext without arguments leaves %(name)s in place.
    # Labels are plain text, escaped when drawn. `when` writes a row's times as local_time(moment, "short") does
    # and `clock` a due time as clock_text does, each with the language (and zone) resolved once.
    return SimpleNamespace(**{
        "when": _kept_times("short"), "clock": clock_words(),
        "status": _labels(Status), "urgency": _labels(Urgency), "category": _labels(Category),
        "overdue": Markup(_("Overdue")), "first_response": Markup(_("First response:")), "fix": Markup(_("Fix:")),
        "photo_alt": Markup(_("Photo of the fault")), "handled_by": Markup(_("Handled by %(name)s")),
        "closed": Markup(_("Closed %(when)s"))})


def row_texts() -> SimpleNamespace:
    """This request's row words, kept on `g`: one lookup per label and request, whatever the list's length."""
    texts = g.get(_KEPT)
    if texts is None:
        texts = _texts()
        setattr(g, _KEPT, texts)
    return texts


class _Named(NamedTuple):
    name: str


class _Place(NamedTuple):
    label: str


class _Photo(NamedTuple):
    id: int


class ListRow:
    """A request as a board or queue row reads it: its own columns and the names of its place, equipment and
    people, read as plain columns in one statement (queries.list_rows) instead of loaded as ORM objects with
    their relations, which cost about as much as drawing the row. It answers what the row macros, the clock and
    the queue's steps ask (`repair.location.label`, `repair.photos[0].id`, `is_overdue(now)`, `version`,
    `assignee_id`...) as a RepairRequest would."""

    __slots__ = ("id", "category", "status", "urgency", "description", "created_at", "closed_at", "response_due",
                 "fix_due", "responded_at", "waiting_since", "started_at", "done_at", "requester_id", "assignee_id",
                 "version", "location", "equipment", "requester", "assignee", "photos")

    def __init__(self, row):
        (self.id, self.category, self.status, self.urgency, self.description, self.created_at, self.closed_at,
         self.response_due, self.fix_due, self.responded_at, self.waiting_since, self.started_at, self.done_at,
         self.requester_id, self.assignee_id, self.version) = row[:16]
        building, floor, room, equipment, requester, assignee, photo = row[16:]
        self.location = _Place(Location.label_of(building, floor, room))
        self.equipment = _Named(equipment) if equipment is not None else None
        self.requester = _Named(requester)
        self.assignee = _Named(assignee) if assignee is not None else None
        self.photos = [_Photo(photo)] if photo is not None else []

    # The same rules as the request's own (the functions read only the columns above).
    response_overdue = RepairRequest.response_overdue
    fix_overdue = RepairRequest.fix_overdue
    is_overdue = RepairRequest.is_overdue


class HistoryRow(NamedTuple):
    """A request as the equipment's history draws it (repairs/_history_rows.html), read as plain columns."""
    id: int
    created_at: datetime
    status: str
    description: str
    done_at: datetime | None
    work_notes: str
    assignee: _Named | None

    @classmethod
    def of(cls, row) -> "HistoryRow":
        *columns, assignee = row
        return cls(*columns, _Named(assignee) if assignee is not None else None)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class RowClock(NamedTuple):
    overdue: bool
    words: str


def row_clock(repair, now: datetime) -> RowClock | None:
    """The clock that runs now for a request (none once it is done), and whether it is overdue: worked out in
    one call for each row of a list, where the template's tests and calls per row cost more than the words."""
    texts = row_texts()
    if repair.status == Status.SUBMITTED:
        return RowClock(repair.response_overdue(now),
                        Markup("%s %s") % (texts.first_response, texts.clock(repair.response_due, now)))
    if repair.status == Status.WAITING:
        return RowClock(repair.fix_overdue(now), paused_clock_text(repair))
    if repair.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        return RowClock(repair.fix_overdue(now), Markup("%s %s") % (texts.fix, texts.clock(repair.fix_due, now)))
    return None
