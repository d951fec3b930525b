"""What every request list row says that is the same for all rows: status badges, fixed words and which
language's names to show, looked up once per request (as app/repairs/rows.py does for repairs): a lazy label,
a gettext and a locale check per row cost more than the rest of the row."""
from types import SimpleNamespace
from typing import NamedTuple

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.i18n import clock
from app.repairs.clock import clock_words

from .models import ServiceRequest
from .workflow import Status

_KEPT = "request_row_texts"


def _texts() -> SimpleNamespace:
    # The template's own words are Markup, trusted as its `_()` trusts them, so that % escapes what fills them.
    zh = str(get_locale() or "").startswith("zh")
    return SimpleNamespace(
        status={member.value: (member.css, str(member.label)) for member in Status},
        name_of=(lambda named: named.name_zh) if zh else (lambda named: named.name_en),
        overdue=Markup(_("Overdue")), answer=Markup(_("Answer:")), completion=Markup(_("Completion:")),
        handled_by=Markup(_("Handled by %(name)s")),
        # A row's filing time as local_time(moment, "short") writes it, and its clocks as the `repair_clock`
        # filter does, with the language (and zone) resolved once for all rows.
        when=clock("short"), clock=clock_words())


def row_texts() -> SimpleNamespace:
    """This request's row words, kept on `g`: one lookup per word and request, whatever the list's length.
    `name_of(department or request type)`: its name in the reader's language, as department_name and
    RequestType.name give it."""
    texts = g.get(_KEPT)
    if texts is None:
        texts = _texts()
        setattr(g, _KEPT, texts)
    return texts


class _Named(NamedTuple):
    name: str


class _Both(NamedTuple):
    """A request type's or department's names, as `name_of` reads them."""
    name_zh: str
    name_en: str


class ListRow:
    """A request as a list row reads it: its own columns and the names of its type, department and people, read
    as plain columns in one statement (queries.list_rows) instead of loaded as ORM objects with four joined
    relations, which cost more than drawing the row. It answers what the row macro asks (`item.type`,
    `item.requester.name`, `is_overdue(now)`...) as a ServiceRequest would."""

    __slots__ = ("id", "status", "text", "created_at", "answer_due", "answered_at", "complete_due", "waiting_since",
                 "type", "department", "requester", "handler")

    def __init__(self, row):
        (self.id, self.status, self.text, self.created_at, self.answer_due, self.answered_at, self.complete_due,
         self.waiting_since) = row[:8]
        type_zh, type_en, department_zh, department_en, requester, handler = row[8:]
        self.type = _Both(type_zh, type_en)
        self.department = _Both(department_zh, department_en)
        self.requester = _Named(requester)
        self.handler = _Named(handler) if handler is not None else None

    # The same rules as the request's own (they read only the columns above).
    answer_overdue = ServiceRequest.answer_overdue
    complete_overdue = ServiceRequest.complete_overdue
    is_overdue = ServiceRequest.is_overdue


class HandOver(NamedTuple):
    """A hand-over as the office's list reads it (queries.hand_overs): the event's columns and its names."""
    request_id: int
    from_department: _Both | None
    to_department: _Both | None
    actor: _Named | None
    created_at: object
    note: str

    @classmethod
    def of(cls, row) -> "HandOver":
        request_id, from_zh, from_en, to_zh, to_en, actor, created_at, note = row
        return cls(request_id, _Both(from_zh, from_en) if from_zh is not None else None,
                   _Both(to_zh, to_en) if to_zh is not None else None,
                   _Named(actor) if actor is not None else None, created_at, note)
