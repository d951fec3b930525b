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

from . import rsvp, series
from .models import Attendance, AttendanceStatus, Meeting, MeetingAnswer, MemberAttendance, Presence
from .services import MeetingError, Viewer, bump_open, require_open

SUBSTITUTE_LENGTH = 80
# People open the live screen a little before the start; earlier visits (adding an item days before) do not count.
EARLY_ARRIVAL = timedelta(minutes=30)
# Before anyone is seen, the liaison's answer to the notice proposes the department's attendance.
ANSWERED = {rsvp.ATTEND: AttendanceStatus.PRESENT, rsvp.SUBSTITUTE: AttendanceStatus.SUBSTITUTE,
            rsvp.DECLINE: AttendanceStatus.ABSENT}


def _model(meeting: Meeting):
    """A group's attendance is per member, the liaison meeting's per department."""
    return MemberAttendance if meeting.series.is_group else Attendance


def attendance(meeting: Meeting) -> dict[int, Attendance | MemberAttendance]:
    """The recorded rows by department (liaison meeting) or by member (group)."""
    model = _model(meeting)
    rows = db.session.scalars(select(model).where(model.meeting_id == meeting.id))
    return {_key(row): row for row in rows}


def _key(row) -> int:
    return row.user_id if isinstance(row, MemberAttendance) else row.department_id


def is_confirmed(meeting: Meeting) -> bool:
    """Whether the office has saved attendance for this meeting (saving writes every department's row)."""
    model = _model(meeting)
    return db.session.scalar(select(model.id).where(model.meeting_id == meeting.id).limit(1)) is not None


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
    def key(self) -> int:
        """What the attendance form's fields are named by: the department's id."""
        return self.department.id

    @property
    def label(self) -> str:
        return str(self.department)

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


@dataclass(frozen=True)
class MemberAttendee:
    """A member at a group's meeting: the office's record, whether they were seen on the live screen, and
    their answer to the notice. Same face as Attendee, so the attendance form and the minutes serve both."""
    person: User
    record: MemberAttendance | None
    seen: bool = False
    answer: MeetingAnswer | None = None
    liaison = ""  # a member speaks for themselves: no liaison line

    @property
    def key(self) -> int:
        return self.person.id

    @property
    def label(self) -> str:
        return f"{self.person.name} · {self.person.department}" if self.person.department else self.person.name

    @property
    def status(self) -> str:
        if self.record is not None:
            return self.record.status
        if self.seen:
            return AttendanceStatus.PRESENT.value
        return ANSWERED.get(self.answer.answer if self.answer else "", AttendanceStatus.ABSENT).value

    @property
    def substitute(self) -> str:
        if self.record is not None:
            return self.record.substitute
        if self.status == AttendanceStatus.SUBSTITUTE and self.answer and self.answer.substitute:
            return self.answer.substitute.name[:SUBSTITUTE_LENGTH]
        return ""


def _member_attendees(meeting: Meeting) -> list[MemberAttendee]:
    """The group's members (and anyone recorded who has left it), by name; once closed, as recorded."""
    records = attendance(meeting)
    if not meeting.is_open:
        return sorted((MemberAttendee(row.user, row) for row in records.values()), key=lambda a: a.person.name)
    people = {person.id: person for person in series.members(meeting.series)}
    people.update({row.user_id: row.user for row in records.values()})
    seen = {user.id for users in seen_during(meeting).values() for user in users}
    answered = rsvp.answers_by_person(meeting)
    return [MemberAttendee(p, records.get(p.id), p.id in seen, answered.get(p.id))
            for p in sorted(people.values(), key=lambda p: p.name)]


def attendees(meeting: Meeting) -> list:
    """Every department with its liaison and attendance, by department code (a group: every member); for a
    closed meeting as they stood at the close (departments and liaisons added or changed later do not appear)."""
    if meeting.series.is_group:
        return _member_attendees(meeting)
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
    liaison's name; at a group's meeting every member a row."""
    if meeting.series.is_group:
        for attendee in _member_attendees(meeting):
            db.session.add(attendee.record or MemberAttendance(meeting_id=meeting.id, user_id=attendee.person.id,
                                                               status=attendee.status, substitute=attendee.substitute))
        return
    for attendee in _current_attendees(meeting):
        row = attendee.record or Attendance(meeting_id=meeting.id, department_id=attendee.department.id,
                                            status=attendee.status, substitute=attendee.substitute)
        row.liaison_name = attendee.liaison[:80]
        db.session.add(row)


def record_attendance(viewer: Viewer, entries: dict[int, tuple[str, str]]) -> None:
    """entries: department id (a group: member id) → (present / substitute / absent, substitute's name)."""
    require_open(viewer.meeting)
    # The meeting's lock first, then the rows as they are now: two people saving attendance at once both
    # save (the later one wins), instead of both inserting a department's first row.
    bump_open(viewer.meeting.id, layout=True)
    existing = attendance(viewer.meeting)
    group = viewer.meeting.series.is_group
    for key, (status, substitute) in entries.items():
        if AttendanceStatus.of(status) is None:
            continue
        row = existing.get(key) or (MemberAttendance(meeting_id=viewer.meeting.id, user_id=key) if group
                                    else Attendance(meeting_id=viewer.meeting.id, department_id=key))
        who = db.session.get(User, key).name if group else db.session.get(Department, key)
        row.status, row.substitute = status, _substitute(who, status, substitute)
        db.session.add(row)
    db.session.commit()


def _substitute(department, status: str, typed: str) -> str:
    """The substitute's name as stored: required when someone came in the liaison's place, one line of at most
    80 characters; a refusal names the department (or member), since the form has a name field for each."""
    if status != AttendanceStatus.SUBSTITUTE:
        return ""
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
        problem = _l("%(department)s: the substitute's name is %(over)d characters too long: shorten it to at most "
                     "%(num)d.", department=department, over=len(name) - SUBSTITUTE_LENGTH, num=SUBSTITUTE_LENGTH)
    if problem is not None:
        db.session.rollback()
        raise MeetingError(problem)
    return name
