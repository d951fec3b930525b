"""Minutes pages: the printable minutes, their Markdown and DOCX downloads, and amendments after the close."""
import io

from flask import Response, flash, render_template, send_file, url_for
from flask_babel import gettext as _

from app.auth.roles import Role, role_required
from app.htmx import redirect_after_post, render_form
from app.pagecache import cached_page

from . import closing
from .blueprint import bp
from .forms import AmendmentForm
from .minutes import as_docx, attendee_line, gather
from .services import MeetingError
from .views import viewer_for

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _refused_correction(viewer, form):
    """The minutes page again at 422, with the correction's errors and what was typed."""
    return render_form("meetings/minutes.html", "meetings/minutes.html", form=form, minutes=gather(viewer.meeting),
                       viewer=viewer, attendee_line=attendee_line)


@bp.get("/<int:meeting_id>/minutes")
@cached_page("meetings", "tasks", "calendar", seconds=60)
def minutes(meeting_id: int):
    """The printable minutes; a closed meeting's are locked, later corrections appear as amendments."""
    viewer = viewer_for(meeting_id)
    form = AmendmentForm() if viewer.is_office and not viewer.meeting.is_open else None
    return render_template("meetings/minutes.html", minutes=gather(viewer.meeting), form=form, viewer=viewer,
                           attendee_line=attendee_line)


@bp.get("/<int:meeting_id>/minutes.md")
def minutes_markdown(meeting_id: int):
    data = gather(viewer_for(meeting_id).meeting)
    text = render_template("meetings/_minutes.md.html", minutes=data, attendee_line=attendee_line)
    return Response(text, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="minutes-{data.day}.md"'})


@bp.get("/<int:meeting_id>/minutes.docx")
@cached_page("meetings", "tasks", "calendar", seconds=60)
def minutes_docx(meeting_id: int):
    data = gather(viewer_for(meeting_id).meeting)
    return send_file(io.BytesIO(as_docx(data)), as_attachment=True, download_name=f"minutes-{data.day}.docx",
                     mimetype=DOCX_MIMETYPE)


@bp.post("/<int:meeting_id>/amendments")
@role_required(Role.OFFICE)
def amend(meeting_id: int):
    """Office records a correction to closed minutes; the original text stays as it was."""
    viewer = viewer_for(meeting_id)
    form = AmendmentForm()
    if not form.validate_on_submit():
        return _refused_correction(viewer, form)
    try:
        closing.add_amendment(viewer, form.text.data)
    except MeetingError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The amendment is recorded."), "success")
    return redirect_after_post(url_for("meetings.minutes", meeting_id=meeting_id))
