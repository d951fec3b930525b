"""Minutes (会议纪要): what they contain, gathered from the meeting, and the DOCX file; the pages are in
views_minutes.py."""
import io
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Department
from app.extensions import db
from app.spreadsheets import clean
from app.timeutil import to_local

from . import attendance, queries
from .models import AttendanceStatus, FollowupReview, Kind
from .workflow import ActionState, ItemStatus


@dataclass(frozen=True)
class ActionLine:
    """An action item as the minutes print it: a row read for them, not a loaded object (a busy series has
    500 follow-ups)."""
    id: int
    task: str
    owner: str
    department: str
    deadline: date
    acceptance: str


def _line_format() -> str:
    # Translated once per page and filled for each row (gettext formats only when given values).
    return _("%(task)s — owner %(owner)s (%(department)s), deadline %(deadline)s, acceptance: %(criterion)s"
             " — %(state)s")


@dataclass
class Minutes:
    meeting: object
    attendees: list      # attendance.Attendee: department, liaison, attendance row (frozen once closed)
    items: list          # queries.minutes_items: plain rows
    actions: dict        # item id: [(ActionLine, state the minutes record)]
    followups: list      # (ActionLine, state as reviewed)
    amendments: list
    departments: dict    # id: name in the reader's language
    # The words every row repeats, translated once (looked up for each row, they were a fifth of the page).
    kinds: dict = field(default_factory=lambda: {kind.value: str(kind.label) for kind in Kind})
    statuses: dict = field(default_factory=lambda: {status.value: str(status.label) for status in ItemStatus})
    states: dict = field(default_factory=lambda: {state: str(state.label) for state in ActionState})
    line_format: str = field(default_factory=_line_format)

    @property
    def day(self) -> str:
        return to_local(self.meeting.starts_at).strftime("%Y-%m-%d")

    @property
    def title(self) -> str:
        """The heading names the series: the liaison meeting's as it always was, a group's by its name."""
        if self.meeting.series.is_group:
            return _("Minutes of %(series)s, %(day)s", series=self.meeting.series.label, day=self.day)
        return _("Minutes of the liaison meeting, %(day)s", day=self.day)

    def action_line(self, action: ActionLine, state: ActionState) -> str:
        """One action item as the minutes list it, in the state given (as it stood at the close)."""
        return self.line_format % {"task": action.task, "owner": action.owner, "department": action.department,
                                   "deadline": action.deadline.isoformat(), "criterion": action.acceptance,
                                   "state": self.states[state]}


def gather(meeting) -> Minutes:
    """Everything the minutes show; for a closed meeting as it stood at the close (action items'
    states, follow-ups, attendance and liaisons), so later changes never rewrite them."""
    departments = {department.id: str(department) for department in db.session.scalars(select(Department))}
    reviewed = dict(db.session.execute(select(FollowupReview.action_id, FollowupReview.state)
                                       .where(FollowupReview.meeting_id == meeting.id)).all())
    followups = [(ActionLine(row.id, row.task, row.owner, departments[row.department_id], row.deadline,
                             row.acceptance), ActionState(reviewed.get(row.id, row.state)))
                 for row in queries.followup_rows(meeting)]
    items = queries.minutes_items(meeting)
    actions = {item.id: [] for item in items}
    for a in queries.minutes_actions(meeting):
        # As ActionItem.minutes_state: the state at the close, or the current one while the meeting is open.
        actions[a.item_id].append((ActionLine(a.id, a.task, a.owner, departments[a.department_id], a.deadline,
                                              a.acceptance), ActionState(a.closed_state or a.state)))
    return Minutes(meeting, attendance.attendees(meeting), items, actions, followups, queries.amendments(meeting),
                   departments)


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


# The styles the minutes use (python-docx's names for them in styles.xml), and the defaults Word falls back on.
_STYLES = ("Normal", "Heading1", "Heading2", "Heading3", "ListBullet", "TableGrid", "TableNormal",
           "DefaultParagraphFont", "NoList")


@cache
def _template() -> bytes:
    """python-docx's default document with only the styles the minutes use (and those they are based on).

    The default carries 164 styles (350 KB) and a 440 KB copy of them for Word 2010 (stylesWithEffects): every
    file parsed them, looked each paragraph's style up among all of them, and compressed both again (about
    40 ms of a two-item meeting's file). Word draws the same styles from this trimmed copy."""
    document = Document()
    styles = document.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.findall(qn("w:style"))}
    wanted, todo = set(), list(_STYLES)
    while todo:
        style = by_id.get(todo.pop())
        if style is None or style.get(qn("w:styleId")) in wanted:
            continue
        wanted.add(style.get(qn("w:styleId")))
        todo += [ref.get(qn("w:val")) for tag in ("w:basedOn", "w:link", "w:next")
                 for ref in style.findall(qn(tag))]
    for style_id, style in by_id.items():
        if style_id not in wanted:
            styles.remove(style)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rel_id)
    document.styles["Normal"].font.size = Pt(11)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _CleanDocument:
    """python-docx refuses control characters, which older rows may hold: every text is cleaned."""

    def __init__(self):
        self.document = Document(io.BytesIO(_template()))
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
        raised = _("%(kind)s · raised by %(department)s", kind=minutes.kinds[item.kind],
                   department=minutes.departments[item.department_id])
        if item.addressed_to_id:
            raised += " → " + minutes.departments[item.addressed_to_id]
        doc.add_paragraph(raised + " · " + minutes.statuses[item.status])
        for label, text in ((_("Details"), item.details), (_("Outcome"), item.outcome), (_("Decision"), item.decision)):
            if text:
                doc.add_paragraph(f"{label}: {text}")
        if minutes.actions[item.id]:
            _action_table(doc, minutes.actions[item.id], minutes.states)
    doc.add_heading(_("Follow-ups reviewed"), level=2)
    if minutes.followups:
        _action_table(doc, minutes.followups, minutes.states)
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


def _action_table(doc: _CleanDocument, actions, states: dict) -> None:
    """Action items as the office files them: 事项 / 责任人 / 完成时限 / 验收标准, the state under the task."""
    # "Owner" alone reads 接待负责人 in the visits catalog (catalogs are merged): a word of its own here.
    header = (_("What is to be done"), _("Responsible person"), _("Deadline"), _("Acceptance criterion"))
    doc.add_table(header, [(f"{action.task}\n({states[state]})", f"{action.owner} ({action.department})",
                            action.deadline.isoformat(), action.acceptance) for action, state in actions])

