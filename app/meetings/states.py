"""The meeting and action-item state machines, as data: allowed moves and who may make them.

Actors: "office" (Role.OFFICE), "owner" (the action item's owner), "liaison" (liaison of the
responsible department). Everything else reads these tables; no view decides a move by itself.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .models import (ACCEPTED, CLOSED, COLLECTING, DONE, IN_PROGRESS, ITEM_CARRIED, ITEM_DISCUSSED, ITEM_OPEN,
                     OPEN, STARTED)

MEETING_LABELS = {COLLECTING: _l("collecting items"), IN_PROGRESS: _l("in progress"), CLOSED: _l("closed")}
ITEM_LABELS = {ITEM_OPEN: _l("not yet discussed"), ITEM_DISCUSSED: _l("discussed"),
               ITEM_CARRIED: _l("moved to the next meeting")}
KIND_LABELS = {"need": _l("need"), "problem": _l("problem"), "information": _l("information")}
URGENCY_LABELS = {"normal": _l("normal"), "high": _l("high"), "urgent": _l("urgent")}
ACTION_LABELS = {OPEN: _l("open"), STARTED: _l("in progress"), DONE: _l("done, awaiting acceptance"),
                 ACCEPTED: _l("accepted")}
ATTENDANCE_LABELS = {"present": _l("present"), "substitute": _l("substitute sent"), "absent": _l("absent")}


@dataclass(frozen=True)
class Move:
    name: str
    source: tuple
    target: str
    actors: tuple
    label: object
    note_required: bool = False


MEETING_MOVES = {
    "start": Move("start", (COLLECTING,), IN_PROGRESS, ("office",), _l("Start the meeting")),
    "close": Move("close", (COLLECTING, IN_PROGRESS), CLOSED, ("office",), _l("Close the meeting")),
}

ACTION_MOVES = {
    "start": Move("start", (OPEN,), STARTED, ("owner", "liaison"), _l("Start work")),
    "progress": Move("progress", (OPEN, STARTED), STARTED, ("owner", "liaison"), _l("Report progress"),
                     note_required=True),
    "done": Move("done", (OPEN, STARTED), DONE, ("owner", "liaison"), _l("Report done"), note_required=True),
    "accept": Move("accept", (DONE,), ACCEPTED, ("office",), _l("Accept as done")),
    "send_back": Move("send_back", (DONE,), STARTED, ("office",), _l("Send back"), note_required=True),
}


def allowed(moves: dict, state: str, actors: set) -> list[Move]:
    """The moves from `state` that someone acting as any of `actors` may make, in table order."""
    return [m for m in moves.values() if state in m.source and actors & set(m.actors)]
