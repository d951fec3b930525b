"""What every row of a list says that is the same for all rows, looked up once per request (as
app/requests/rows.py does for requests): a lazy label, a gettext and a local_time per row, each finding the
language and time zone again, cost more than the rest of the row.

- `row_texts()`: the action item rows of the lists (meetings/_action_rows.html: /actions/ and /tasks/): state
  badges, fixed words and the meeting's date format.
- `agenda_texts()`: the live screen's agenda items and follow-ups (meetings/_rows.html `item_view`,
  `followup_view`): badges drawn whole, fixed words, department names and the meeting's date format; the
  grouped agenda draws all 200 items of a busy meeting.
"""
from types import SimpleNamespace

from flask import g
from flask_babel import gettext as _
from markupsafe import Markup

from app.i18n import clock

from .models import Kind, Urgency
from .workflow import ActionState, ItemStatus

_KEPT = "action_row_texts"
_KEPT_AGENDA = "agenda_item_texts"


def _texts() -> SimpleNamespace:
    # The template's own words are Markup, trusted as its `_()` trusts them, so that % escapes what fills them.
    return SimpleNamespace(
        state={member.value: (member.css, str(member.label)) for member in ActionState},
        deadline=Markup(_("deadline %(day)s")), overdue=Markup(_("overdue")),
        from_meeting=Markup(_("from the meeting of %(day)s")),
        # A meeting's date as local_time(moment, "short") writes it, the language and zone resolved once.
        when=clock("short"))


def row_texts() -> SimpleNamespace:
    """This request's action row words, kept on `g`: one lookup per word and request, whatever the list's
    length. `state[value]`: the state's (css class, label)."""
    texts = g.get(_KEPT)
    if texts is None:
        texts = _texts()
        setattr(g, _KEPT, texts)
    return texts


_BADGE = Markup('<span class="badge badge-{}">{}</span>')


def _badges(enum_class) -> dict:
    """Each value's badge as status_badge (templates/_macros/ui.html) draws it, label and class escaped."""
    return {member.value: _BADGE.format(member.css, member.label) for member in enum_class}


class _DepartmentNames(dict):
    """A department's name in the reader's language (its str()), found once per department and request."""

    def __missing__(self, department):
        name = self[department] = str(department)
        return name


def _agenda_texts() -> SimpleNamespace:
    # Fixed words as Markup, as the template's `_()` returns them; `%` escapes what fills them.
    return SimpleNamespace(
        kind=_badges(Kind), urgency=_badges(Urgency), status=_badges(ItemStatus), state=_badges(ActionState),
        department=_DepartmentNames(), minutes=Markup(_("%(minutes)d min")),
        carried=Markup(_("carried over from an earlier meeting")), outcome=Markup(_("Outcome:")),
        decision=Markup(_("Decision:")), deadline=Markup(_("deadline %(day)s")),
        acceptance=Markup(_("Acceptance:")), edit=Markup(_("Edit")), outcome_button=Markup(_("Outcome")),
        assign=Markup(_("Assign an action")),
        moves=(("up", Markup(_("Move up")), "↑"), ("down", Markup(_("Move down")), "↓")),
        # A follow-up row's (meetings/_rows.html `followup_view`); `when`: as local_time(moment, "short").
        overdue=Markup(_("overdue")), new_this_week=Markup(_("new this week")),
        from_meeting=Markup(_("from the meeting of %(day)s")), history=Markup(_("History")),
        update=Markup(_("Update")), when=clock("short"))


def agenda_texts() -> SimpleNamespace:
    """This request's agenda item words, kept on `g`: one lookup per word and request, whatever the agenda's
    length. `kind`, `urgency`, `status` (the item's) and `state` (an action's): the badge by stored value;
    `department[department]`: its name."""
    texts = g.get(_KEPT_AGENDA)
    if texts is None:
        texts = _agenda_texts()
        setattr(g, _KEPT_AGENDA, texts)
    return texts
