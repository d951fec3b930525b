"""Attendance: which departments' liaisons came (or sent someone), named per department, frozen at the close.

Until the office confirms it, attendance is proposed from presence: whoever had the live screen open while
the meeting ran counts as there (the department's liaison as present, anyone else of the department as its
substitute), so minutes no longer record a department that took part as absent. Before anyone of a
department is seen, its liaison's answer to the notice proposes it (attend, substitute with the name, decline)."""
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import Department, User
from app.auth.services import active_departments, liaison_names
from app.extensions import db
from app.forms import clean_text

from . import rsvp
from .models import Attendance, AttendanceStatus, Meeting, MeetingAnswer, Presence
from .services import MeetingError, Viewer, bump_open, require_open

SUBSTITUTE_LENGTH = 80
# People open the live screen a little before the start; earlier visits (adding an item days before) do not count.
EARLY_ARRIVAL = timedelta(minutes=30)
# Before anyone is seen, the liaison's answer to the notice proposes the department's attendance.
ANSWERED = {rsvp.ATTEND: AttendanceStatus.PRESENT, rsvp.SUBSTITUTE: AttendanceStatus.SUBSTITUTE,
            rsvp.DECLINE: AttendanceStatus.ABSENT}


def attendance(meeting: Meeting) -> dict[int, Attendance]:
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {row.department_id: row for row in rows}


def is_confirmed(meeting: Meeting) -> bool:
    """Whether the office has saved attendance for this meeting (saving writes every department's row)."""
    return db.session.scalar(select(Attendance.id).where(Attendance.meeting_id == meeting.id).limit(1)) is not None


def seen_during(meeting: Meeting) -> dict[int, list[User]]:
    """People who had the live screen open from shortly before the meeting began on (the scheduled time, or
    the office's start when it started earlier), by department."""
    began = min(meeting.starts_at, meeting.started_at or meeting.starts_at)
    rows = db.session.scalars(select(Presence).where(Presence.meeting_id == meeting.id,
                                                     Presence.seen_at >= began - EARLY_ARRIVAL))
    seen: dict[int, list[User]] = {}
    for row in rows:
        if row.user.department_id is not None:
            seen.setdefault(row.user.department_id, []).append(row.user)
    return seen


@dataclass(frozen=True)
class Attendee:
    """A department at a meeting: its liaison's name ("" when it has none), the office's record, and the
    people of the department seen on the live screen while it ran."""
    department: Department
    liaison: str
    record: Attendance | None
    seen: tuple[str, ...] = ()
    answer: MeetingAnswer | None = None  # the liaison's answer to the notice (rsvp.py)

    @property
    def status(self) -> str:
        """The recorded status, else the one presence suggests, else the liaison's answer."""
        if self.record is not None:
            return self.record.status
        if not self.seen:
            return ANSWERED.get(self.answer.answer if self.answer else "", AttendanceStatus.ABSENT).value
        return AttendanceStatus.PRESENT.value if self.liaison in self.seen else AttendanceStatus.SUBSTITUTE.value

    @property
    def substitute(self) -> str:
        if self.record is not None:
            return self.record.substitute
        if self.status != AttendanceStatus.SUBSTITUTE:
            return ""
        if not self.seen:
            return self.answer.substitute.name[:SUBSTITUTE_LENGTH] if self.answer and self.answer.substitute else ""
        return ", ".join(self.seen)[:SUBSTITUTE_LENGTH]


def attendees(meeting: Meeting) -> list[Attendee]:
    """Every department with its liaison and attendance, by department code; for a closed meeting as
    they stood at the close (departments and liaisons added or changed later do not appear)."""
    if meeting.is_open:
        return _current_attendees(meeting)
    rows = sorted(attendance(meeting).values(), key=lambda row: row.department.code)
    return [Attendee(row.department, row.liaison_name, row) for row in rows]


def _current_attendees(meeting: Meeting) -> list[Attendee]:
    records = attendance(meeting)
    departments = {d.id: d for d in active_departments()}
    departments.update({row.department_id: row.department for row in records.values()})
    names = liaison_names(departments)
    seen = seen_during(meeting)
    answered = rsvp.answers(meeting)
    return [Attendee(d, names.get(d.id, ""), records.get(d.id), tuple(sorted(u.name for u in seen.get(d.id, []))),
                     answered.get(d.id)) for d in sorted(departments.values(), key=lambda d: d.code)]


def freeze_attendance(meeting: Meeting) -> None:
    """At the close: give every department a row (as presence suggests unless recorded) that keeps its
    liaison's name."""
    for attendee in _current_attendees(meeting):
        row = attendee.record or Attendance(meeting_id=meeting.id, department_id=attendee.department.id,
                                            status=attendee.status, substitute=attendee.substitute)
        row.liaison_name = attendee.liaison[:80]
        db.session.add(row)


def record_attendance(viewer: Viewer, entries: dict[int, tuple[str, str]]) -> None:
    """entries: department id → (present / substitute / absent, substitute's name)."""
    require_open(viewer.meeting)
    # The meeting's lock first, then the rows as they are now: two people saving attendance at once both
    # save (the later one wins), instead of both inserting a department's first row.
    bump_open(viewer.meeting.id, layout=True)
    existing = attendance(viewer.meeting)
    for department_id, (status, substitute) in entries.items():
        if AttendanceStatus.of(status) is None:
            continue
        row = existing.get(department_id) or Attendance(meeting_id=viewer.meeting.id, department_id=department_id)
        row.status, row.substitute = status, _substitute(department_id, status, substitute)
        db.session.add(row)
    db.session.commit()


def _substitute(department_id: int, status: str, typed: str) -> str:
    """The substitute's name as stored: required when someone came in the liaison's place, one line of at most
    80 characters; a refusal names the department, since the form has a name field per department."""
    if status != AttendanceStatus.SUBSTITUTE:
        return ""
    department = db.session.get(Department, department_id)
    try:
        name = clean_text(typed).strip()
    except ValueError:
        db.session.rollback()
        raise MeetingError(_l("%(department)s: the substitute's name contains a character that cannot be stored "
                              "(NUL). Remove it and send again.", department=department)) from None
    problem = None
    if not name:
        problem = _l("Name the person who came in the liaison's place.")
    elif len(name) > SUBSTITUTE_LENGTH:
        problem = _l("%(department)s: the substitute's name is longer than %(num)d characters.",
                     department=department, num=SUBSTITUTE_LENGTH)
    if problem is not None:
        db.session.rollback()
        raise MeetingError(problem)
    return name
