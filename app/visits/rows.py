"""What every card and row of a visits list writes the same way, worked out once for the page.

The board draws 50 cards with three to five times each and up to three action forms. Through `local_time`
every time looked up the language, its compiled pattern and the office's time zone again (a third of a
time's cost each), and through `url_for` every tick and undo form built its address again; here each is
found once per page, each row only fills in its own values, and a moment already written is not written
again.
"""
from flask import url_for
from flask_babel import ngettext
from markupsafe import Markup

from app.i18n import clock

# Ids no table reaches, put in a step's address once and replaced by each row's own.
_VISIT, _STEP = 918273645, 546372819


def step_path(endpoint: str):
    """(visit id, step id) -> the path of a step's action (`visits.tick`, `visits.undo`), built by url_for
    once for the page."""
    head, rest = url_for(endpoint, visit_id=_VISIT, step_id=_STEP).split(str(_VISIT))
    middle, tail = rest.split(str(_STEP))
    return lambda visit_id, step_id: f"{head}{int(visit_id)}{middle}{int(step_id)}{tail}"


def visit_path(endpoint: str):
    """visit id -> the path of a visit's page or action (`visits.detail`, `visits.arrive`), built by url_for
    once for the page: `id_path` looks up the request's kept addresses again for each of the board's 130
    links."""
    head, tail = url_for(endpoint, visit_id=_VISIT).split(str(_VISIT))
    return lambda visit_id: f"{head}{int(visit_id)}{tail}"


def row_helpers() -> dict:
    """The times a visits list writes, for its template: `short_time` (date and time) and `clock_time` (HH:mm)."""
    return {"short_time": _kept(clock("short")), "clock_time": _kept(clock("HH:mm"))}


def _kept(format_time):
    """`format_time`, each moment written once for the page: a day's visits start on the quarter hour and
    their steps fall due at fixed offsets from those, so the board's 300 times are some 60 moments."""
    written = {}

    def formatted(moment) -> str:
        text = written.get(moment)
        if text is None:
            text = written[moment] = format_time(moment)
        return text
    return formatted


def visitor_count():
    """"3 visitors" in the page's language, each number written once for the page: the same Markup the
    template's `ngettext` made (its number formatted into the unescaped translation)."""
    return _kept(lambda num: Markup(ngettext("%(num)d visitor", "%(num)d visitors", num)))
