"""Minutes (会议纪要): gathered from the meeting, shown as a printable page, Markdown or DOCX."""
import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from flask import Response, abort, flash, render_template, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.htmx import redirect_after_post
from app.timeutil import to_local

from . import actions, attendance, closing, services, states
from .forms import AmendmentForm
from .models import FollowupReview
from .views import bp, viewer_for


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


def gather(meeting) -> Minutes:
    """Everything the minutes show; for a closed meeting as it stood at the close (action items'
    states, follow-ups, attendance and liaisons), so later changes never rewrite them."""
    reviewed = {r.action_id: r.state for r in _reviews(meeting)}
    followups = [(a, reviewed.get(a.id, a.state)) for a in actions.followups(meeting)]
    return Minutes(meeting, attendance.attendees(meeting), services.agenda(meeting), followups,
                   closing.amendments(meeting))


def _reviews(meeting):
    return db.session.scalars(select(FollowupReview).where(FollowupReview.meeting_id == meeting.id))


def _attendance_text(row) -> str:
    if row is None:
        return str(states.ATTENDANCE_LABELS["absent"])
    if row.status == "substitute":
        return _("substitute: %(name)s", name=row.substitute)
    return str(states.ATTENDANCE_LABELS[row.status])


def _attendee_line(attendee) -> str:
    """The department, who its liaison is and whether they came, e.g. "Production (liaison: Li Ming): present"."""
    if not attendee.liaison:
        return f"{attendee.department}: {_attendance_text(attendee.record)}"
    return _("%(department)s (liaison: %(name)s): %(attendance)s", department=attendee.department,
             name=attendee.liaison, attendance=_attendance_text(attendee.record))


def as_docx(minutes: Minutes) -> bytes:
    """A Word document with the same sections as the printable page."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    meeting = minutes.meeting
    doc.add_heading(_("Minutes of the liaison meeting, %(day)s", day=minutes.day), level=1)
    doc.add_paragraph(_("Place: %(place)s · Status: %(status)s", place=meeting.place or "—",
                        status=states.MEETING_LABELS[meeting.status]))
    doc.add_heading(_("Attendees"), level=2)
    for attendee in minutes.attendees:
        doc.add_paragraph(_attendee_line(attendee), style="List Bullet")
    doc.add_heading(_("Agenda items"), level=2)
    for number, item in enumerate(minutes.items, start=1):
        doc.add_heading(f"{number}. {item.title}", level=3)
        raised = _("%(kind)s · raised by %(department)s", kind=states.KIND_LABELS[item.kind],
                   department=item.department)
        if item.addressed_to:
            raised += " → " + str(item.addressed_to)
        doc.add_paragraph(raised + " · " + str(states.ITEM_LABELS[item.status]))
        for label, text in ((_("Details"), item.details), (_("Outcome"), item.outcome), (_("Decision"), item.decision)):
            if text:
                doc.add_paragraph(f"{label}: {text}")
        for action in item.actions:
            doc.add_paragraph(_action_line(action, action.minutes_state), style="List Bullet")
    doc.add_heading(_("Follow-ups reviewed"), level=2)
    for action, state in minutes.followups:
        doc.add_paragraph(_action_line(action, state), style="List Bullet")
    if minutes.amendments:
        doc.add_heading(_("Amendments"), level=2)
        for amendment in minutes.amendments:
            doc.add_paragraph(_("%(when)s, %(name)s: %(text)s", when=to_local(amendment.created_at)
                                .strftime("%Y-%m-%d %H:%M"), name=amendment.created_by.name, text=amendment.text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _action_line(action, state) -> str:
    return _("%(task)s — owner %(owner)s (%(department)s), deadline %(deadline)s, acceptance: %(criterion)s — %(state)s",
             task=action.task, owner=action.owner.name, department=action.department,
             deadline=action.deadline.isoformat(), criterion=action.acceptance, state=states.ACTION_LABELS[state])


@bp.get("/<int:meeting_id>/minutes")
def minutes(meeting_id: int):
    """The printable minutes; a closed meeting's are locked, later corrections appear as amendments."""
    viewer = viewer_for(meeting_id)
    form = AmendmentForm() if viewer.is_office and not viewer.meeting.is_open else None
    return render_template("meetings/minutes.html", minutes=gather(viewer.meeting), form=form, viewer=viewer,
                           action_line=_action_line, attendee_line=_attendee_line)


@bp.get("/<int:meeting_id>/minutes.md")
def minutes_markdown(meeting_id: int):
    data = gather(viewer_for(meeting_id).meeting)
    text = render_template("meetings/_minutes.md.html", minutes=data, action_line=_action_line,
                           attendee_line=_attendee_line)
    return Response(text, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="minutes-{data.day}.md"'})


@bp.get("/<int:meeting_id>/minutes.docx")
def minutes_docx(meeting_id: int):
    data = gather(viewer_for(meeting_id).meeting)
    return send_file(io.BytesIO(as_docx(data)), as_attachment=True, download_name=f"minutes-{data.day}.docx",
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.post("/<int:meeting_id>/amendments")
def amend(meeting_id: int):
    """Office records a correction to closed minutes; the original text stays as it was."""
    viewer = viewer_for(meeting_id)
    if not viewer.is_office:
        abort(403)
    form = AmendmentForm()
    if form.validate_on_submit():
        try:
            closing.add_amendment(viewer, form.text.data)
        except services.MeetingError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The amendment is recorded."), "success")
        return redirect_after_post(url_for("meetings.minutes", meeting_id=meeting_id))
    return render_template("meetings/minutes.html", minutes=gather(viewer.meeting), form=form, viewer=viewer,
                           action_line=_action_line, attendee_line=_attendee_line), 422
