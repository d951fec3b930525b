"""Assigning a task outside a meeting, and telling who needs to know when it moves.

A task is an `ActionItem` without a meeting (see workflow.py): its moves go through
`app.meetings.actions.make_move`, which calls `notify_move` here for tasks of this kind.
"""
from datetime import date

from flask_babel import lazy_gettext as _l

from app import idempotency
from app.auth.models import User
from app.calendar.services import is_working_day, next_working_day
from app.errors import Refused
from app.extensions import db
from app.links import path_for
from app.meetings.models import ActionEvent, ActionItem
from app.meetings.queries import visible
from app.meetings.workflow import ActionState
from app.notifications import Kind, notify
from app.timeutil import today
from app.uploads import NOT_A_DOCUMENT, CheckedDocument, ImageRejected, check_document

from .models import TaskFile
from .workflow import ASSIGNABLE_SOURCES, TaskSource

MAX_FILES = 3


class TaskError(Refused):
    """A rule of assigning was broken; the message is shown on its field."""


def assign_task(assigner: User, *, title: str, details: str, owner_id: int, deadline: date, acceptance: str,
                source: str, source_note: str = "", token: str = "", files=()) -> int:
    """Create the task with its attachments and tell its owner; a double tap (same form token) creates one.
    Returns its id."""
    owner = _check(owner_id, deadline, acceptance, source)
    documents = _documents(files)

    def create() -> str:
        task = ActionItem(task=title.strip(), details=(details or "").strip(), owner_id=owner.id,
                          department_id=owner.department_id, deadline=deadline, acceptance=acceptance.strip(),
                          source=source, source_note=(source_note or "").strip(), created_by_id=assigner.id)
        task.events.append(ActionEvent(user_id=assigner.id, to_state=ActionState.OPEN))
        task.files = [TaskFile(uploaded_by_id=assigner.id, filename=name, content_type=document.content_type,
                               data=document.data) for name, document in documents]
        db.session.add(task)
        db.session.flush()
        notify([owner], _l("%(name)s assigned you a task: %(task)s (deadline %(deadline)s)", name=assigner.name,
                           task=task.task, deadline=deadline.isoformat()),
               link=path_for("actions.detail", action_id=task.id), kind=Kind.TASK_UPDATE, commit=False)
        return str(task.id)

    return int(idempotency.once(token, create))


def _documents(files) -> list[tuple[str, CheckedDocument]]:
    """(file name, checked bytes) of each uploaded file, all checked before anything is saved."""
    uploads = [f for f in files if f and f.filename]
    if len(uploads) > MAX_FILES:
        raise TaskError(_l("Attach at most %(num)d files.", num=MAX_FILES), field="files")
    try:
        return [(_safe_name(f.filename, document.extension), document)
                for f in uploads for document in [check_document(f, NOT_A_DOCUMENT)]]
    except ImageRejected as exc:
        raise TaskError(exc.args[0], field="files") from exc


def _safe_name(filename: str, extension: str) -> str:
    """The name as uploaded, without any folder, ending in the extension its bytes proved."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0][:100] or "file"
    return f"{stem}.{extension}"


def file_for(user: User, file_id: int) -> TaskFile | None:
    """An attachment, if `user` may see its task (app.meetings.queries.visible)."""
    found = db.session.get(TaskFile, file_id)
    if found is None or db.session.scalar(visible(user).where(ActionItem.id == found.task_id)) is None:
        return None
    return found


def problems(owner_id: int, deadline: date | None, acceptance: str, source: str) -> list[TaskError]:
    """Every rule of assigning these values break, each on its field: the owner (active, in a department), the
    deadline (a working day, not past), the criterion and the source."""
    found = []
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active:
        found.append(TaskError(_l("Choose an owner."), field="owner_id"))
    elif owner.department_id is None:
        found.append(TaskError(_l("%(name)s belongs to no department; the owner must answer for a department.",
                                  name=owner.name), field="owner_id"))
    if deadline is None:
        found.append(TaskError(_l("Give a deadline."), field="deadline"))
    elif deadline < today():
        found.append(TaskError(_l("The deadline cannot be in the past."), field="deadline"))
    elif not is_working_day(deadline):
        found.append(TaskError(_l("%(day)s is not a working day; the next one is %(next)s.",
                                  day=deadline.isoformat(), next=next_working_day(deadline).isoformat()),
                               field="deadline"))
    if not (acceptance or "").strip():
        found.append(TaskError(_l("Say how you will check that the task is done."), field="acceptance"))
    if TaskSource.of(source) not in ASSIGNABLE_SOURCES:
        found.append(TaskError(_l("Choose where the task comes from."), field="source"))
    return found


def _check(owner_id: int, deadline: date, acceptance: str, source: str) -> User:
    """The owner, once owner, deadline, criterion and source all hold; else the first problem is raised."""
    found = problems(owner_id, deadline, acceptance, source)
    if found:
        raise found[0]
    return db.session.get(User, owner_id)


def notify_move(task: ActionItem, target: str, note: str) -> None:
    """Done: the assigner checks it. Sent back or accepted: the owner hears it. Progress: the assigner."""
    link = path_for("actions.detail", action_id=task.id)
    if target == ActionState.DONE:
        notify([task.assigner], _l("Task reported done, please check it against its criterion: %(task)s",
                                   task=task.task), link=link, kind=Kind.TASK_UPDATE, commit=False)
    elif target == ActionState.STARTED and task.state == ActionState.DONE:
        notify([task.owner], _l("Your task was sent back: %(task)s — %(reason)s", task=task.task, reason=note),
               link=link, kind=Kind.TASK_UPDATE, commit=False)
    elif target == ActionState.ACCEPTED:
        notify([task.owner], _l("Your task was accepted as done: %(task)s", task=task.task), link=link,
               kind=Kind.TASK_UPDATE, commit=False)
    elif note.strip():
        notify([task.assigner], _l("Progress on %(task)s: %(note)s", task=task.task, note=note.strip()),
               link=link, kind=Kind.TASK_UPDATE, commit=False)
