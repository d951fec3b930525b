"""The suggestion box's blueprint, shared by its view modules."""
from datetime import datetime

from flask import Blueprint, abort
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.timeutil import to_local

from . import services
from .workflow import Status

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")


def suggestion_or_404(suggestion_id: int):
    """A suggestion the signed-in user may open; 404 otherwise, since its existence is private."""
    return services.get_for(current_user, suggestion_id) or abort(404)


def code_or_404(code: str):
    return services.by_code(code) or abort(404)


@bp.context_processor
def _office_flag() -> dict:
    """The tabs show the office's pages to office staff only."""
    return {"sees_office_tabs": current_user.is_authenticated and services.is_office(current_user)}


@bp.app_template_filter("suggestion_day")
def suggestion_day(moment) -> str:
    """The office-time day of a stored moment: anonymous notes are only ever dated to the day."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = to_local(moment).date()
    return format_date(moment, "medium")


@bp.app_template_global("suggestion_status_label")
def status_label(value: str):
    return Status(value).label


EVENT_LABELS = {
    "paper": _l("typed in from a paper slip"),
    "answer": _l("published an answer"),
    "draft": _l("saved a draft answer"),
    "merged": _l("merged it into another suggestion"),
    "absorbed": _l("merged a duplicate into it"),
    "board": _l("put it on the public board"),
    "unboard": _l("took it off the public board"),
}


@bp.app_template_global("event_label")
def event_label(event) -> str:
    label = str(EVENT_LABELS.get(event.kind, event.kind))
    if event.kind == "answer" and event.detail:
        source, _sep, target = event.detail.partition(" → ")
        return f"{label}: {Status(source).label} → {Status(target).label}"
    if event.kind in ("merged", "absorbed") and event.detail:
        return f"{label} ({_('No. %(number)s', number=event.detail)})"
    return label
