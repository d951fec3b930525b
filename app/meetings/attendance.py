"""Attendance: which departments' liaisons came (or sent someone), named per department, frozen at the close."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import Department
from app.auth.services import active_departments, liaison_names
from app.extensions import db

from . import live
from .models import Attendance, AttendanceStatus, Meeting
from .services import MeetingError, Viewer, require_open


def attendance(meeting: Meeting) -> dict[int, Attendance]:
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {row.department_id: row for row in rows}


@dataclass(frozen=True)
class Attendee:
    """A department at a meeting: its liaison's name ("" when it has none) and the office's record."""
    department: Department
    liaison: str
    record: Attendance | None


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
    return [Attendee(d, names.get(d.id, ""), records.get(d.id))
            for d in sorted(departments.values(), key=lambda d: d.code)]


def freeze_attendance(meeting: Meeting) -> None:
    """At the close: give every department a row (absent unless recorded) that keeps its liaison's name."""
    for attendee in _current_attendees(meeting):
        row = attendee.record or Attendance(meeting_id=meeting.id, department_id=attendee.department.id,
                                            status=AttendanceStatus.ABSENT, substitute="")
        row.liaison_name = attendee.liaison[:80]
        db.session.add(row)


def record_attendance(viewer: Viewer, entries: dict[int, tuple[str, str]]) -> None:
    """entries: department id → (present / substitute / absent, substitute's name)."""
    require_open(viewer.meeting)
    existing = attendance(viewer.meeting)
    for department_id, (status, substitute) in entries.items():
        if AttendanceStatus.of(status) is None:
            continue
        if status == AttendanceStatus.SUBSTITUTE and not substitute.strip():
            raise MeetingError(_l("Name the person who came in the liaison's place."))
        row = existing.get(department_id) or Attendance(meeting_id=viewer.meeting.id, department_id=department_id)
        substitute = substitute.strip()[:80] if status == AttendanceStatus.SUBSTITUTE else ""
        row.status, row.substitute = status, substitute
        db.session.add(row)
    live.bump(viewer.meeting.id, layout=True)
    db.session.commit()
