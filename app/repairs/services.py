"""Filing a repair request, adding to an open one, moving it through the workflow, who sees what."""
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, true
from sqlalchemy.orm.exc import StaleDataError

from app import idempotency
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.errors import Conflict, Refused
from app.extensions import db
from app.notifications import Kind, notify
from app.timeutil import utcnow
from app.uploads import ImageRejected, delete_image, row_thumb_name, save_image

from . import audience, sla, workflow
from .models import (
    MAX_PHOTOS,
    TOO_MANY_PHOTOS,
    Equipment,
    EventKind,
    Location,
    RepairEvent,
    RepairPhoto,
    RepairRequest,
    WaitReason,
)

PHOTO_KIND = "repairs"


class RepairError(Refused):
    """A rule was broken; the message tells the user what to do, on `field` when a form field is at fault."""


class RepairConflict(Conflict):
    """Someone else changed the request first; `current` holds what it is now."""

    def __init__(self, repair):
        who = repair.assignee.name if repair.assignee else "—"
        super().__init__(_l("Someone else updated this request a moment ago. It is now “%(status)s” "
                            "(handled by %(who)s). Nothing of yours was saved; check and try again.",
                            status=repair.status_label, who=who), current=repair)


def visible_to(user):
    """The rule for who sees a request: maintenance and office see all; others what they filed or added to."""
    if user.has_any_role(Role.MAINTENANCE, Role.OFFICE):
        return true()
    return mine(user)


def mine(user):
    """Requests the user filed or added a report to."""
    # The few reported ids are fetched first: an OR with a subquery would keep the database from
    # using the (requester_id, created_at) index on a table of tens of thousands of requests.
    reported = list(db.session.scalars(select(RepairEvent.repair_id).where(
        RepairEvent.kind == EventKind.REPORT, RepairEvent.actor_id == user.id)))
    if not reported:
        return RepairRequest.requester_id == user.id
    return or_(RepairRequest.requester_id == user.id, RepairRequest.id.in_(reported))


def get_visible(user, repair_id: int) -> RepairRequest | None:
    return db.session.scalar(select(RepairRequest).where(RepairRequest.id == repair_id, visible_to(user)))


def sees_everything(user, repair) -> bool:
    """Maintenance, office and the requester see the whole request; someone who only added a report
    to it sees what the hint showed them, its progress and their own report (`own_part`)."""
    return repair.requester_id == user.id or user.has_any_role(Role.MAINTENANCE, Role.OFFICE)


class OwnPart(NamedTuple):
    reports: list   # the RepairEvents of their own reports
    photos: list    # the RepairPhotos they uploaded


def own_part(repair, user) -> OwnPart:
    """What a co-reporter added to a request: their words and their photos, nobody else's."""
    reports = [e for e in repair.events if e.kind == EventKind.REPORT and e.actor_id == user.id]
    return OwnPart(reports, [p for p in repair.photos if p.uploaded_by_id == user.id])


def _save_photos(files) -> list:
    """Store every photo or none: one bad file removes those already written.

    Raises RepairError on the photos field, with the reason the file was refused.
    """
    files = [f for f in files or () if f and f.filename]
    if len(files) > MAX_PHOTOS:
        raise RepairError(TOO_MANY_PHOTOS, field="photos")
    stored = []
    try:
        for file_storage in files:
            stored.append(save_image(file_storage, PHOTO_KIND, row_thumb=True))
    except ImageRejected as exc:
        _delete_photos(stored)
        raise RepairError(str(exc), field="photos") from None
    return stored


def _delete_photos(stored) -> None:
    for image in stored:
        delete_image(PHOTO_KIND, image.name)


def _attach(repair, user, stored) -> None:
    for image in stored:
        repair.photos.append(RepairPhoto(uploaded_by_id=user.id, name=image.name, thumb_name=image.thumb_name))


def _event(repair, actor, kind: str, note: str = "", reason: str = "") -> None:
    db.session.add(RepairEvent(repair=repair, actor_id=actor.id if actor else None, kind=kind,
                               status=repair.status, note=note[:2000], reason=reason))


def resolve_place(location_id, equipment_id) -> tuple[Location, Equipment | None]:
    location = db.session.get(Location, location_id or 0)
    if location is None or not location.active:
        raise RepairError(_l("Choose a location from the list."), field="location_id")
    equipment = db.session.get(Equipment, equipment_id) if equipment_id else None
    if equipment_id and (equipment is None or equipment.location_id != location.id):
        raise RepairError(_l("This equipment is not at the chosen location."), field="location_id")
    return location, equipment


class Filed(NamedTuple):
    url: str                # the request's page
    repair_id: int | None   # the new request, or None when the form had been sent before


def file_request(user, *, location_id, equipment_id, category, urgency, description, phone,
                 photos, token: str = "") -> Filed:
    """Create the request with its clocks and photos, and alert maintenance as urgency and hour demand.

    A form sent again (a double tap) files nothing and answers with the first request's page.
    Raises RepairError (photos or place refused) before anything is written.
    """
    filed = {}

    def create() -> str:
        stored = filed["photos"] = []
        repair = _new_request(user, stored, location_id=location_id, equipment_id=equipment_id, category=category,
                              urgency=urgency, description=description, phone=phone, photos=photos)
        filed["repair_id"], filed["url"] = repair.id, audience.detail_link(repair.id)
        return filed["url"]

    url = idempotency.once(token, create)
    if "url" in filed and url != filed["url"]:
        # Another submission of this form won the race: its request stands, ours was rolled back.
        _delete_photos(filed["photos"])
        return Filed(url, None)
    return Filed(url, filed.get("repair_id"))


def _new_request(user, stored: list, *, location_id, equipment_id, category, urgency, description, phone,
                 photos) -> RepairRequest:
    location, equipment = resolve_place(location_id, equipment_id)
    stored.extend(_save_photos(photos))
    now = utcnow()
    response_due, fix_due = sla.due_times(urgency, now)
    repair = RepairRequest(requester_id=user.id, location=location, equipment=equipment, category=category,
                           urgency=urgency, description=description.strip(), phone=(phone or "").strip(),
                           created_at=now, response_due=response_due, fix_due=fix_due)
    db.session.add(repair)
    _attach(repair, user, stored)
    db.session.flush()
    _event(repair, user, EventKind.SUBMITTED, repair.description)
    audience.alert_new(repair, now)
    return repair


def add_report(repair, user, description: str, photos) -> None:
    """Another person's words and photos join an open request instead of a duplicate ticket."""
    people = [repair.requester, repair.assignee, *audience.co_reporters_of(repair)]
    stored = _save_photos(photos)
    _attach(repair, user, stored)
    _event(repair, user, EventKind.REPORT, description.strip())
    notify([p for p in people if p and p.id != user.id],
           _l("%(name)s added a report to repair request #%(id)d.", name=user.name, id=repair.id),
           link=audience.detail_link(repair.id), kind=Kind.REPAIR_UPDATE, commit=False)
    db.session.commit()


def photo_for(user, photo_id: int):
    """A photo of a request this user may see in full, or one they uploaded themselves; else None."""
    photo = db.session.get(RepairPhoto, photo_id)
    if photo is None:
        return None
    repair = get_visible(user, photo.repair_id)
    if repair is None or not (sees_everything(user, repair) or photo.uploaded_by_id == user.id):
        return None
    return photo


def photo_name(photo, size: str | None) -> str:
    """The stored JPEG for `?thumb=`: "1" the 320 px thumbnail (detail pages), "row" the 112 px one (list
    rows), anything else the photo itself."""
    if size == "row":
        return row_thumb_name(photo.name)
    return photo.thumb_name if size == "1" else photo.name


def maintenance_people() -> list[User]:
    return users_with_role(Role.MAINTENANCE)


def _apply(repair, user, action: str, now, *, note: str, assignee, wait_reason: str, parts: str) -> None:
    if action == "take":
        repair.assignee = user
    elif action == "assign":
        repair.assignee = assignee
    if action in ("take", "assign") and repair.responded_at is None:
        repair.responded_at = now
    if action == "start" and repair.started_at is None:
        repair.started_at = now
    if action == "wait":
        repair.waiting_since, repair.wait_reason = now, wait_reason
    if action == "resume":
        repair.fix_due = sla.extend_for_pause(repair.urgency, repair.fix_due, repair.waiting_since, now)
        repair.waiting_since, repair.wait_reason = None, ""
    if action == "complete":
        repair.done_at, repair.work_notes, repair.parts_used = now, note.strip(), parts.strip()
    if action == "reopen":
        repair.done_at = None
    if action in ("confirm", "cancel"):
        repair.closed_at = now


def _check(repair, user, action: str, *, version, note: str, assignee, wait_reason: str) -> None:
    if version is not None and version != repair.version:
        raise RepairConflict(repair)
    if workflow.refused_because_work_started(user, repair, action):
        raise RepairError(_l("Work on this request has already started, so it can no longer be cancelled. "
                             "If it is no longer needed, tell the person handling it."))
    if not workflow.can(user, repair, action):
        raise RepairError(_l("This step is not possible now: the request is “%(status)s”.",
                             status=repair.status_label))
    if workflow.TRANSITIONS[action].note_required and not (note or "").strip():
        raise RepairError(_l("Write a few words: what was done, or why."), field="note")
    if action == "assign" and (assignee is None or not assignee.has_any_role(Role.MAINTENANCE)):
        raise RepairError(_l("Choose a maintenance person."), field="assignee_id")
    if action == "wait" and WaitReason.of(wait_reason) is None:
        raise RepairError(_l("Choose what the request is waiting for."), field="wait_reason")


def act(repair, user, action: str, *, version=None, note: str = "", assignee=None, wait_reason: str = "",
        parts: str = "") -> RepairRequest:
    """Make one workflow step, record it in the timeline and tell the people concerned.

    Raises RepairConflict when another person changed the request since `version` was shown, and
    RepairError when the step is not allowed; nothing is written in either case.
    """
    _check(repair, user, action, version=version, note=note, assignee=assignee, wait_reason=wait_reason)
    now = utcnow()
    # Read before anything changes: a query after the change would flush it outside the Conflict guard.
    previous, co_reporters = repair.assignee, audience.co_reporters_of(repair)
    _apply(repair, user, action, now, note=note or "", assignee=assignee, wait_reason=wait_reason,
           parts=parts or "")
    target = workflow.TRANSITIONS[action].target
    if target is not None:
        repair.status = target
    # The timeline names who a job was dispatched to; the dispatch form has no note of its own.
    words = repair.assignee.name if action == "assign" else note or ""
    _event(repair, user, action, words, reason=wait_reason if action == "wait" else "")
    audience.tell_step(repair, user, action, note or "", co_reporters)
    # Compare the objects: assignee_id follows `repair.assignee` only at the flush.
    if action == "assign" and previous is not None and previous is not repair.assignee:
        audience.tell_taken_off(repair, user, previous)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise RepairConflict(db.session.get(RepairRequest, repair.id, populate_existing=True)) from None
    return repair
