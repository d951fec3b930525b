"""The liaison meeting's notice: liaisons answer it, the office moves the meeting (rsvp.py)."""
from datetime import datetime

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.auth.roles import Role, role_required
from app.extensions import db
from app.htmx import redirect_after_post, render, render_form
from app.rooms import roomlist
from app.rooms.services import SlotTaken
from app.timeutil import to_local

from . import live, rsvp, views
from .blueprint import bp
from .forms import AnswerForm, MeetingForm
from .services import MeetingError, room_of


@bp.post("/<int:meeting_id>/answer")
def answer(meeting_id: int):
    """A liaison answers the notice: attend, decline or send a substitute (the same choices as any booking)."""
    meeting = views.viewer_for(meeting_id).meeting
    form = rsvp.answer_form(meeting, current_user, request.form)
    if form.validate():
        try:
            rsvp.answer(current_user, meeting, form.answer.data, db.session.get(User, form.substitute_id.data or 0))
        except MeetingError as error:
            flash(str(error), "error")
        else:
            flash(_("Your answer is sent."), "success")
            return redirect_after_post(url_for("meetings.detail", meeting_id=meeting.id))
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return _detail(meeting_id, form), 422


def _detail(meeting_id: int, form: AnswerForm) -> str:
    """The live screen again, with the answer form as sent (refused)."""
    viewer = views.viewer_for(meeting_id)
    revision = live.revisions(meeting_id).revision
    context = {**views.live_context(viewer, revision=revision), **views.followup_context(viewer)}
    return render_template("meetings/detail.html", revision=revision, new_form=views.new_item_form(viewer),
                           answer_form=form, **context)


@bp.route("/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@role_required(Role.OFFICE)
def reschedule(meeting_id: int):
    """Move the meeting to another date, time or place; every liaison is told with the calendar entry."""
    meeting = views.viewer_for(meeting_id).meeting
    local, room_id = to_local(meeting.starts_at), room_of(meeting)
    form = MeetingForm(formdata=request.form if request.method == "POST" else None, rooms=roomlist.active_rooms(),
                       data={"day": local.date(), "time": local.time(), "room_id": room_id,
                             "place": "" if room_id else meeting.place})
    if request.method == "POST" and form.validate():
        try:
            rsvp.reschedule(meeting, datetime.combine(form.day.data, form.time.data), form.place.data or "",
                            current_user, form.room_id.data or 0)
        except SlotTaken as taken:
            form.room_id.errors = [views.taken_message(taken)]
            return render("meetings/reschedule.html", "meetings/reschedule.html", status=409, form=form,
                          meeting=meeting, answered=rsvp.answers(meeting))
        except MeetingError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The meeting is moved; every liaison is told.") if not meeting.series.is_group
                  else _("The meeting is moved; every member is told."), "success")
            return redirect_after_post(url_for("meetings.detail", meeting_id=meeting.id))
    answered = rsvp.answers(meeting)
    return render_form("meetings/reschedule.html", "meetings/reschedule.html", form, meeting=meeting,
                       answered=answered)
