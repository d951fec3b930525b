"""Filing a request, moving it through the workflow, handlers, the catalogue, and who sees what."""
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, true
from sqlalchemy.orm.exc import StaleDataError

from app import idempotency
from app.auth.models import Department, User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.calendar.clock import after_working_days, pause_extension
from app.errors import Conflict, Refused
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.timeutil import utcnow
from app.uploads import ImageRejected, check_document, delete_image, save_image

from . import fields, workflow
from .models import (
    MAX_FILES,
    EventKind,
    RequestEvent,
    RequestFile,
    RequestHandler,
    RequestType,
    ServiceRequest,
    department_name,
)

PHOTO_KIND = "requests"
IMAGE_TYPES = ("image/",)


class RequestError(Refused):
    """A rule was broken; the message tells the user what to do, on `field` when a form field is at fault."""


class RequestConflict(Conflict):
    """Someone else changed the request first; `current` holds what it is now."""

    def __init__(self, item):
        super().__init__(_l("Someone else updated this request a moment ago. It is now “%(status)s”. "
                            "Nothing of yours was saved; check and try again.", status=item.status_label),
                         current=item)


def detail_link(request_id: int) -> str:
    return path_for("requests.detail", request_id=request_id)


# ---- who handles, who sees ------------------------------------------------------------------------------

def handler_departments(user) -> set[int]:
    """The departments whose requests this user answers."""
    return set(db.session.scalars(select(RequestHandler.department_id).where(RequestHandler.user_id == user.id)))


def handlers_of(department_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(RequestHandler, RequestHandler.user_id == User.id)
                                   .where(RequestHandler.department_id == department_id, User.active)))


def visible_to(user):
    """The rule for who sees a request: the office all; a handler their departments'; anyone their own."""
    if user.has_any_role(Role.OFFICE):
        return true()
    departments = handler_departments(user)
    own = ServiceRequest.requester_id == user.id
    return or_(own, ServiceRequest.department_id.in_(departments)) if departments else own


def get_visible(user, request_id: int) -> ServiceRequest | None:
    return db.session.scalar(select(ServiceRequest).where(ServiceRequest.id == request_id, visible_to(user)))


def fileable_types(user) -> list[RequestType]:
    types = db.session.scalars(select(RequestType).where(RequestType.active).order_by(RequestType.id))
    return [t for t in types if t.may_file(user)]


# ---- filing ---------------------------------------------------------------------------------------------

def _is_photo(file_storage) -> bool:
    return (file_storage.mimetype or "").startswith(IMAGE_TYPES)


def _store_files(files, user) -> list[RequestFile]:
    """Check every file (photos re-encoded, documents proved by their bytes) and keep all or none.

    Raises RequestError on the files field, with the reason a file was refused."""
    files = [f for f in files or () if f and f.filename]
    if len(files) > MAX_FILES:
        raise RequestError(_l("Attach at most %(n)d files.", n=MAX_FILES), field="files")
    stored, photos = [], []
    try:
        for upload in files:
            name = (upload.filename or "file")[-120:]
            if _is_photo(upload):
                image = save_image(upload, PHOTO_KIND)
                photos.append(image.name)
                stored.append(RequestFile(uploaded_by_id=user.id, filename=name, content_type="image/jpeg",
                                          photo_name=image.name))
            else:
                document = check_document(upload)
                stored.append(RequestFile(uploaded_by_id=user.id, filename=name, content_type=document.content_type,
                                          data=document.data))
    except ImageRejected as exc:
        for photo in photos:
            delete_image(PHOTO_KIND, photo)
        raise RequestError(str(exc), field="files") from None
    return stored


class Filed(NamedTuple):
    url: str
    request_id: int | None  # None when the form had been sent before (a double tap)


def file_request(user, request_type: RequestType, *, text: str, extra: list, files, token: str = "") -> Filed:
    """Create the request with its clocks and files, and tell the answering department's handlers.

    A form sent again files nothing and answers with the first request's page. Raises RequestError
    (a file refused, a type the user may not file) before anything is written."""
    if request_type is None or not request_type.may_file(user):
        raise RequestError(_l("Choose a type of request from the list."), field="type_id")
    filed = {}

    def create() -> str:
        item = _new_request(user, request_type, text=text, extra=extra, files=files)
        filed["id"], filed["url"] = item.id, detail_link(item.id)
        return filed["url"]

    url = idempotency.once(token, create)
    return Filed(url, filed.get("id") if filed.get("url") == url else None)


def _new_request(user, request_type, *, text, extra, files) -> ServiceRequest:
    stored = _store_files(files, user)
    now = utcnow()
    item = ServiceRequest(type=request_type, department_id=request_type.department_id, requester_id=user.id,
                          text=text.strip(), extra=fields.dump(extra), created_at=now,
                          answer_due=after_working_days(now, request_type.answer_days),
                          complete_due=after_working_days(now, request_type.complete_days))
    item.files.extend(stored)
    db.session.add(item)
    db.session.flush()
    _event(item, user, EventKind.SUBMITTED, item.text)
    notify([h for h in handlers_of(item.department_id) if h.id != user.id],
           _l("New request #%(id)d for your department from %(name)s: %(text)s", id=item.id, name=user.name,
              text=item.text[:80]), link=detail_link(item.id), kind=Kind.REQUEST_UPDATE, commit=False)
    # The requester's receipt, with the number to quote and the link to follow it (in the app only, by default).
    notify([user], _l("Receipt: your request #%(id)d (%(type)s) is filed with %(department)s. You will be told "
                      "of every step.", id=item.id, type=request_type.name,
                      department=department_name(request_type.department)),
           link=detail_link(item.id), kind=Kind.RECEIPT, commit=False)
    return item


def _event(item, actor, kind: str, note: str = "", **departments) -> None:
    db.session.add(RequestEvent(request=item, actor_id=actor.id if actor else None, kind=kind, status=item.status,
                                note=(note or "")[:2000], **departments))


def file_for(user, file_id: int) -> RequestFile | None:
    """An attachment of a request this user may see, else None."""
    found = db.session.get(RequestFile, file_id)
    if found is None or get_visible(user, found.request_id) is None:
        return None
    return found


# ---- the workflow ---------------------------------------------------------------------------------------

def _check(item, user, action: str, *, version, note: str, department) -> None:
    if version is not None and version != item.version:
        raise RequestConflict(item)
    if not workflow.can(user, item, action, handler_departments(user)):
        raise RequestError(_l("This step is not possible now: the request is “%(status)s”.",
                              status=item.status_label))
    if workflow.TRANSITIONS[action].note_required and not (note or "").strip():
        raise RequestError(_l("Write a few words: the answer, the question, or why."), field="note")
    if action == "hand_over" and (department is None or not department.active
                                  or department.id == item.department_id):
        raise RequestError(_l("Choose the department that should answer instead."), field="department_id")


def _apply(item, user, action: str, now, note: str, department) -> None:
    if action == "take":
        item.handler = user
    if action in ("answer", "ask", "complete") and item.answered_at is None:
        item.answered_at = now  # the first answer the requester gets stops the answer clock
    if action == "ask":
        item.waiting_since = now
    if action == "reply":
        # The clocks stood still while the requester was asked: push them on by the working time lost.
        item.complete_due = pause_extension(item.complete_due, item.waiting_since, now)
        item.waiting_since = None
    if action == "hand_over":
        item.department_id, item.handler = department.id, None
    if action == "complete":
        item.done_at, item.answer = now, note.strip()
    if action == "reopen":
        item.done_at = None
    if action in ("confirm", "cancel"):
        item.closed_at = now


STEP_MESSAGES = {
    "take": lambda i, name, note: _l("Request #%(id)d: %(name)s has taken it.", id=i, name=name),
    "answer": lambda i, name, note: _l("Request #%(id)d: %(name)s answered: %(note)s", id=i, name=name, note=note),
    "ask": lambda i, name, note: _l("Request #%(id)d: %(name)s needs information from you: %(note)s", id=i,
                                    name=name, note=note),
    "reply": lambda i, name, note: _l("Request #%(id)d: %(name)s sent the information you asked for.", id=i,
                                      name=name),
    "complete": lambda i, name, note: _l("Request #%(id)d is done: %(note)s Please confirm or reopen it.", id=i,
                                         note=note),
    "confirm": lambda i, name, note: _l("Request #%(id)d was confirmed done by %(name)s.", id=i, name=name),
    "reopen": lambda i, name, note: _l("Request #%(id)d was reopened by %(name)s: %(note)s", id=i, name=name,
                                       note=note),
    "cancel": lambda i, name, note: _l("Request #%(id)d was cancelled by %(name)s.", id=i, name=name),
}


def _tell(item, user, action: str, note: str, previous_department: int) -> None:
    """The requester hears of the handler's steps, the handler of the requester's; a hand-over reaches the
    new department's handlers and the office (which sees every hand-over)."""
    link = detail_link(item.id)
    if action == "hand_over":
        people = handlers_of(item.department_id) + users_with_role(Role.OFFICE) + [item.requester]
        message = _l("Request #%(id)d was handed over by %(name)s to another department: %(note)s",
                     id=item.id, name=user.name, note=note[:120])
        notify([p for p in people if p.id != user.id], message, link=link, kind=Kind.REQUEST_UPDATE, commit=False)
        return
    people = [item.handler] if user.id == item.requester_id else [item.requester]
    # Nobody has it in hand: the department's handlers, who were told of it, hear instead.
    if action in ("reply", "reopen", "cancel") and item.handler is None:
        people = handlers_of(previous_department)
    message = STEP_MESSAGES[action](item.id, user.name, note[:120])
    notify([p for p in people if p and p.id != user.id], message, link=link, kind=Kind.REQUEST_UPDATE, commit=False)


def act(item, user, action: str, *, version=None, note: str = "", department=None) -> ServiceRequest:
    """Make one workflow step, record it in the timeline and tell the people concerned.

    Raises RequestConflict when another person changed the request since `version` was shown, and
    RequestError when the step is not allowed; nothing is written in either case."""
    _check(item, user, action, version=version, note=note, department=department)
    now, previous_department = utcnow(), item.department_id
    _apply(item, user, action, now, note or "", department)
    target = workflow.TRANSITIONS[action].target
    if target is not None:
        item.status = target
    moved = {"from_department_id": previous_department, "to_department_id": department.id} \
        if action == "hand_over" else {}
    _event(item, user, action, note or "", **moved)
    _tell(item, user, action, note or "", previous_department)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise RequestConflict(db.session.get(ServiceRequest, item.id, populate_existing=True)) from None
    return item


# ---- the catalogue and the handlers (office, admin) -----------------------------------------------------

def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.active).order_by(Department.id)))


def save_type(request_type: RequestType | None, data: dict) -> RequestType:
    """Create or update a catalogue entry from checked form data; an extra-field spec with errors is refused."""
    errors = fields.spec_errors(data["fields_spec"])
    if errors:
        raise RequestError(" ".join(errors), field="fields_spec")
    if db.session.get(Department, data["department_id"] or 0) is None:
        raise RequestError(_l("Choose a department."), field="department_id")
    request_type = request_type or RequestType()
    for name, value in data.items():
        setattr(request_type, name, value)
    db.session.add(request_type)
    db.session.commit()
    return request_type


def add_handler(login: str, department_id: int) -> RequestHandler:
    user = db.session.scalar(select(User).where(User.login == (login or "").strip(), User.active))
    if user is None:
        raise RequestError(_l("No active user has this login."), field="login")
    if db.session.get(Department, department_id or 0) is None:
        raise RequestError(_l("Choose a department."), field="department_id")
    found = db.session.scalar(select(RequestHandler).where(RequestHandler.user_id == user.id,
                                                           RequestHandler.department_id == department_id))
    if found is None:
        found = RequestHandler(user_id=user.id, department_id=department_id)
        db.session.add(found)
        db.session.commit()
    return found


def remove_handler(handler_id: int) -> bool:
    removed = db.session.execute(delete(RequestHandler).where(RequestHandler.id == handler_id)).rowcount
    db.session.commit()
    return bool(removed)


def is_handler(user) -> bool:
    return bool(handler_departments(user))

