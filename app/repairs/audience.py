"""Who hears of a request, and what: besides the requester and the assignee, everyone who added their
report to it; maintenance (or the person on duty) when it is filed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify

from . import roster, sla
from .models import EventKind, RepairEvent, Urgency


def detail_link(repair_id: int) -> str:
    """The request's page, as notifications store it (also from `flask tick`, outside a request)."""
    return path_for("repairs.detail", repair_id=repair_id)


def co_reporters(repair_ids) -> dict[int, list[User]]:
    """{request id: people who used "add my report to it"}, in one query for any number of requests."""
    ids = list(repair_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(RepairEvent.repair_id, User)
                              .join(User, User.id == RepairEvent.actor_id)
                              .where(RepairEvent.kind == EventKind.REPORT, RepairEvent.repair_id.in_(ids))
                              .order_by(RepairEvent.id)).all()
    found: dict[int, list[User]] = {}
    for repair_id, user in rows:
        people = found.setdefault(repair_id, [])
        if user not in people:
            people.append(user)
    return found


def co_reporters_of(repair) -> list[User]:
    """The co-reporters of one request, leaving out its requester (who may have added to their own)."""
    return [p for p in co_reporters([repair.id]).get(repair.id, []) if p.id != repair.requester_id]


def requesters(repair, reporters=None) -> list[User]:
    """The requester first, then the co-reporters: the people waiting for this fault to be fixed."""
    others = co_reporters_of(repair) if reporters is None else reporters
    return [repair.requester] + [p for p in others if p.id != repair.requester_id]


def alert_new(repair, now) -> None:
    """Emergencies reach everyone at once; after hours the on-duty person first; otherwise maintenance.
    The first two push to phones and ignore quiet hours (Kind.REPAIR_URGENT). The requester gets a receipt."""
    link = detail_link(repair.id)
    on_duty = roster.on_duty_at(now)
    kind = Kind.REPAIR_URGENT
    if repair.urgency == Urgency.EMERGENCY:
        people = [on_duty] + users_with_role(Role.MAINTENANCE) + users_with_role(Role.OFFICE)
        message = _l("EMERGENCY repair at %(place)s: %(text)s", place=repair.location.label,
                     text=repair.description[:80])
    elif on_duty and sla.is_after_hours(now):
        people = [on_duty]
        message = _l("You are on duty: new repair request at %(place)s: %(text)s", place=repair.location.label,
                     text=repair.description[:80])
    else:
        people, kind = users_with_role(Role.MAINTENANCE), Kind.REPAIR_UPDATE
        message = _l("New repair request at %(place)s: %(text)s", place=repair.location.label,
                     text=repair.description[:80])
    notify([p for p in people if p and p.id != repair.requester_id], message, link=link, kind=kind, commit=False)
    receipt(repair)


def receipt(repair) -> None:
    """The requester's receipt: the number to quote and the link to follow it (in the app only, by default)."""
    notify([repair.requester], _l("Receipt: your repair request #%(id)d at %(place)s is filed. You will be told "
                                  "of every step.", id=repair.id, place=repair.location.label),
           link=detail_link(repair.id), kind=Kind.RECEIPT, commit=False)


STEP_MESSAGES = {
    "take": lambda r, actor, note: _l("Repair request #%(id)d: %(name)s has taken it.", id=r.id, name=actor.name),
    "assign": lambda r, actor, note: _l("Repair request #%(id)d is dispatched to %(name)s.", id=r.id,
                                        name=r.assignee.name),
    "start": lambda r, actor, note: _l("Repair request #%(id)d: %(name)s has started work.", id=r.id,
                                       name=actor.name),
    "wait": lambda r, actor, note: _l("Repair request #%(id)d is waiting: %(reason)s.", id=r.id,
                                      reason=r.wait_reason_label),
    "resume": lambda r, actor, note: _l("Repair request #%(id)d: work goes on.", id=r.id),
    "complete": lambda r, actor, note: _l(
        "Repair request #%(id)d is done. Please confirm it is fixed, or reopen it.", id=r.id),
    "confirm": lambda r, actor, note: _l("Repair request #%(id)d is confirmed fixed.", id=r.id),
    "reopen": lambda r, actor, note: _l("Repair request #%(id)d was reopened: %(note)s", id=r.id, note=note[:200]),
    "cancel": lambda r, actor, note: _l("Repair request #%(id)d was cancelled by the requester.", id=r.id),
}


# Co-reporters hear these steps in their own words: only the requester can confirm or reopen, so they are
# not asked to, and the requester's reason for reopening is not theirs to read (they see the status and
# their own report, as the hint that brought them promised).
CO_REPORTER_MESSAGES = {
    "complete": lambda r: _l("Repair request #%(id)d, which you added your report to, is done.", id=r.id),
    "reopen": lambda r: _l("Repair request #%(id)d, which you added your report to, was reopened.", id=r.id),
}


def tell_step(repair, actor, action: str, note: str, co_reporters) -> None:
    """The requester and co-reporters hear of every step; the assignee of steps others take on their job."""
    link = detail_link(repair.id)
    people = [repair.requester, repair.assignee]
    co_reporters = [p for p in co_reporters if p not in people and p is not actor]
    if action in CO_REPORTER_MESSAGES:
        notify(co_reporters, CO_REPORTER_MESSAGES[action](repair), link=link, kind=Kind.REPAIR_UPDATE, commit=False)
    else:
        people += co_reporters
    notify([p for p in people if p and p.id != actor.id], STEP_MESSAGES[action](repair, actor, note),
           link=link, kind=Kind.REPAIR_UPDATE, commit=False)


def tell_taken_off(repair, actor, previous) -> None:
    """Whoever had the job before a re-dispatch learns it went to someone else, so nobody goes twice."""
    if previous.id == actor.id:
        return
    notify([previous], _l("Repair request #%(id)d was dispatched to %(name)s instead; you no longer need "
                          "to handle it.", id=repair.id, name=repair.assignee.name),
           link=detail_link(repair.id), kind=Kind.REPAIR_UPDATE, commit=False)
