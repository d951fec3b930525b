"""Who may rate what, and where a rating goes back to: one entry per rated kind of record.

- a repair: its requester, once they confirmed it themselves (an automatic confirmation is not a verdict);
- a visit: its host, once it is completed; the visitor through a signed link (see links.py);
- a cross-department request: its requester, once it is done (or confirmed).
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import exists, select

from app.extensions import db
from app.repairs.models import EventKind, RepairEvent, RepairRequest
from app.requests.models import ServiceRequest
from app.visits.models import Visit

from .models import Subject


@dataclass(frozen=True)
class Kind:
    model: type
    may_rate: Callable          # (user, record) -> bool; user is None for a visitor with a link
    back: Callable | None       # record id -> the record's page; None: the link's own page


def _repair_rater(user, repair) -> bool:
    if user is None or repair.requester_id != user.id or repair.status != "confirmed":
        return False
    return bool(db.session.scalar(select(exists().where(
        RepairEvent.repair_id == repair.id, RepairEvent.kind == EventKind.CONFIRM.value))))


def _visit_host(user, visit) -> bool:
    return user is not None and visit.host_id == user.id and visit.status == "completed"


def _visit_guest(user, visit) -> bool:
    return user is None and visit.status == "completed"


def _request_rater(user, item) -> bool:
    return user is not None and item.requester_id == user.id and item.status in ("done", "confirmed")


KINDS = {
    Subject.REPAIR: Kind(RepairRequest, _repair_rater, lambda i: url_for("repairs.detail", repair_id=i)),
    Subject.VISIT: Kind(Visit, _visit_host, lambda i: url_for("visits.detail", visit_id=i)),
    Subject.VISIT_GUEST: Kind(Visit, _visit_guest, None),
    Subject.REQUEST: Kind(ServiceRequest, _request_rater, lambda i: url_for("requests.detail", request_id=i)),
}


def kind_of(subject: str) -> Kind | None:
    member = Subject.of(subject)
    return KINDS.get(member) if member else None
