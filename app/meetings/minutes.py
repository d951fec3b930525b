"""Minutes (会议纪要): what they contain, gathered from the meeting, and the DOCX file; the pages are in
views_minutes.py."""
import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.spreadsheets import clean
from app.timeutil import to_local

from . import attendance, queries
from .models import AttendanceStatus, FollowupReview
from .workflow import ActionState


@dataclass
class Minutes:
    meeting: object
    attendees: list      # attendance.Attendee: department, liaison, attendance row (frozen once closed)
    items: list
    followups: list      # (action item, state as reviewed)
    amendments: list

    @property
    def day(self) -> str:
        return to_local(self.meeting.starts_at).strftime("%Y-%m-%d")

    @property
    def title(self) -> str:
        """The heading names the series: the liaison meeting's as it always was, a group's by its name."""
        if self.meeting.series.is_group:
            return _("Minutes of %(series)s, %(day)s", series=self.meeting.series.label, day=self.day)
        return _("Minutes of the liaison meeting, %(day)s", day=self.day)


def gather(meeting) -> Minutes:
    """Everything the minutes show; for a closed meeting as it stood at the close (action items'
    states, follow-ups, attendance and liaisons), so later changes never rewrite them."""
    reviewed = {r.action_id: r.state for r in _reviews(meeting)}
    followups = [(a, ActionState(reviewed.get(a.id, a.state))) for a in queries.followups(meeting)]
    return Minutes(meeting, attendance.attendees(meeting), queries.agenda(meeting), followups,
                   queries.amendments(meeting))


def _reviews(meeting):
    return db.session.scalars(select(FollowupReview).where(FollowupReview.meeting_id == meeting.id))


def _attendance_text(attendee) -> str:
    """As recorded, or (draft minutes of an open meeting) as presence on the live screen suggests."""
    if attendee.status == AttendanceStatus.SUBSTITUTE:
        return _("substitute: %(name)s", name=attendee.substitute)
    return str(AttendanceStatus(attendee.status).label)


def attendee_line(attendee) -> str:
    """The department, who its liaison is and whether they came, e.g. "Production (liaison: Li Ming): present";
    at a group's meeting the member, e.g. "Li Ming · Production: present"."""
    if not attendee.liaison:
        return f"{attendee.label}: {_attendance_text(attendee)}"
    return _("%(department)s (liaison: %(name)s): %(attendance)s", department=attendee.label,
             name=attendee.liaison, attendance=_attendance_text(attendee))


class _CleanDocument:
    """python-docx refuses control characters, which older rows may hold: every text is cleaned."""

    def __init__(self):
        self.document = Document()
        self.styles = self.document.styles

    def add_heading(self, text, level):
        return self.document.add_heading(clean(text), level=level)

    def add_paragraph(self, text, style=None):
        return self.document.add_paragraph(clean(text), style=style)

    def add_table(self, header, rows):
        """A bordered table with a bold header row; one row per entry of `rows`."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].add_run(clean(text)).bold = True
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = clean(text)
        return table

    def save(self, out):
        self.document.save(out)


def as_docx(minutes: Minutes) -> bytes:
    """A Word document with the same sections as the printable page."""
    doc = _CleanDocument()
    doc.styles["Normal"].font.size = Pt(11)
    meeting = minutes.meeting
    doc.add_heading(minutes.title, level=1)
    doc.add_paragraph(_("Place: %(place)s · Status: %(status)s", place=meeting.place or "—",
                        status=meeting.status_enum.label))
    doc.add_heading(_("Attendees"), level=2)
    for attendee in minutes.attendees:
        doc.add_paragraph(attendee_line(attendee), style="List Bullet")
    doc.add_heading(_("Agenda items"), level=2)
    for number, item in enumerate(minutes.items, start=1):
        doc.add_heading(f"{number}. {item.title}", level=3)
        raised = _("%(kind)s · raised by %(department)s", kind=item.kind_enum.label, department=item.department)
        if item.addressed_to:
            raised += " → " + str(item.addressed_to)
        doc.add_paragraph(raised + " · " + str(item.status_enum.label))
        for label, text in ((_("Details"), item.details), (_("Outcome"), item.outcome), (_("Decision"), item.decision)):
            if text:
                doc.add_paragraph(f"{label}: {text}")
        if item.actions:
            _action_table(doc, [(action, action.minutes_state) for action in item.actions])
    doc.add_heading(_("Follow-ups reviewed"), level=2)
    if minutes.followups:
        _action_table(doc, minutes.followups)
    else:
        doc.add_paragraph(_("Nothing was open from earlier meetings."))
    if minutes.amendments:
        doc.add_heading(_("Amendments"), level=2)
        for amendment in minutes.amendments:
            doc.add_paragraph(_("%(when)s, %(name)s: %(text)s", when=to_local(amendment.created_at)
                                .strftime("%Y-%m-%d %H:%M"), name=amendment.created_by.name, text=amendment.text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _action_table(doc: _CleanDocument, actions) -> None:
    """Action items as the office files them: 事项 / 责任人 / 完成时限 / 验收标准, the state under the task."""
    # "Owner" alone reads 接待负责人 in the visits catalog (catalogs are merged): a word of its own here.
    header = (_("What is to be done"), _("Responsible person"), _("Deadline"), _("Acceptance criterion"))
    doc.add_table(header, [(f"{action.task}\n({state.label})",
                            f"{action.owner.name} ({action.department})", action.deadline.isoformat(),
                            action.acceptance) for action, state in actions])


def action_line(action, state: ActionState) -> str:
    """One action item as the minutes list it, in the state given (as it stood at the close)."""
    return _("%(task)s — owner %(owner)s (%(department)s), deadline %(deadline)s, acceptance: %(criterion)s"
             " — %(state)s", task=action.task, owner=action.owner.name, department=action.department,
             deadline=action.deadline.isoformat(), criterion=action.acceptance, state=state.label)

