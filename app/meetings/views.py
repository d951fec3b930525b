"""Meeting pages: the list, scheduling, the live shared screen and its poll, status and attendance."""
from datetime import date, datetime

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.auth.services import active_departments
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.i18n import clock
from app.pagecache import cached_page, revalidate, tagged
from app.params import int_arg, page_arg, to_int
from app.rooms import roomlist
from app.rooms.services import SlotTaken
from app.timeutil import today

from . import attendance as attendance_rules
from . import closing, live, queries, rsvp, services
from . import series as series_rules
from .blueprint import bp
from .forms import AttendanceForm, ItemForm, MeetingForm
from .models import AttendanceStatus, Meeting, MeetingSeries, SeriesKind
from .workflow import moves_for

# A meeting row's start, as local_time(starts_at, ROW_TIME) writes it.
ROW_TIME = "EEE yyyy-MM-dd HH:mm"
# The series pages are the office's and the administrators' (views_series.py guards them itself).
SERIES_ENDPOINTS = ("meetings.series_list", "meetings.series_new", "meetings.series_edit")

# What the live screen and its parts show: the meeting, its action items, and deadlines against the calendar.
LIVE_TOPICS = ("meetings", "tasks", "calendar")


@bp.before_request
@login_required
def guard():
    """The meetings belong to the office, the department liaisons and the members of a group series; checked
    once for every route here (which meetings each sees: viewer_for)."""
    if request.endpoint in SERIES_ENDPOINTS:
        return
    if not (current_user.has_any_role(Role.OFFICE, Role.LIAISON) or series_rules.in_any_group(current_user)):
        abort(403)


def viewer_for(meeting_id: int) -> services.Viewer:
    """The meeting for someone who may see it: a group's meeting is its members' and the office's; to anyone
    else it does not exist (404)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if not series_rules.may_see(current_user, meeting.series):
        abort(404)
    return services.Viewer(current_user, meeting)


@bp.get("/")
@cached_page("meetings", "calendar", seconds=60)
def index():
    """Upcoming and past meetings of the series this person sees, optionally of one series."""
    shown = series_rules.visible_series(current_user)
    chosen = int_arg("series") or 0
    ids = [s.id for s in shown if chosen in (0, s.id)]
    upcoming = queries.upcoming(ids)
    page = queries.past(page_arg(), ids)
    # The office sees every series: the form's choices and its default come from those read for the filter.
    form = _slot_form(every=shown) if current_user.has_any_role(Role.OFFICE) else None
    return render_template("meetings/index.html", upcoming=upcoming, page=page, form=form, chosen=chosen,
                           series_options=[(s.id, s.label) for s in shown],
                           counts=queries.item_counts(upcoming + list(page.items)), when=clock(ROW_TIME))


def _slot_form(formdata=None, of=None, every=None) -> MeetingForm:
    """The meeting form filled with the series' next slot (the liaison meeting's unless another is asked for).
    `every`: all series in all_series' order, when the caller has read them already (the meetings page, for its
    filter), so that the form's choices and the liaison meeting are not read again (two queries of fifteen)."""
    if every is None:
        every = series_rules.all_series()
    liaison = min((s for s in every if s.kind == SeriesKind.LIAISON), key=lambda s: s.id, default=None)
    of = of or liaison or series_rules.liaison_series()
    start, place = services.next_slot(of=of)
    room_id = of.room_id or 0
    if room_id:
        place = ""
    return MeetingForm(formdata=formdata, series=[s for s in every if s.active],
                       rooms=roomlist.active_rooms(),
                       data={"day": start.date(), "time": start.time(), "place": place, "series_id": of.id,
                             "room_id": room_id})


def _chosen_series():
    chosen = db.session.get(MeetingSeries, int_arg("series") or to_int(request.form.get("series_id")) or 0)
    return chosen if chosen is not None and chosen.active else None


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICE)
def new():
    """Schedule a meeting of a series (the liaison meeting unless another is chosen), in a shared room or a
    place typed; the form comes filled with the series' next slot, so one click is enough."""
    form = _slot_form(request.form if request.method == "POST" else None, _chosen_series())
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(current_user, datetime.combine(form.day.data, form.time.data),
                                              form.place.data or "", _chosen_series(), form.room_id.data)
        except SlotTaken as taken:
            form.room_id.errors = [taken_message(taken)]
            return render("meetings/new.html", "meetings/new.html", status=409, form=form)
        else:
            flash(_("The meeting is scheduled. Members can add their items now.") if meeting.series.is_group
                  else _("The meeting is scheduled. Liaisons can add their items now."), "success")
            return redirect_after_post(url_for("meetings.detail", meeting_id=meeting.id))
    return render_form("meetings/new.html", "meetings/new.html", form=form)


def taken_message(taken: SlotTaken) -> str:
    """Who holds the room, and the rooms free then to choose instead (as the booking form offers them); the
    answer is 409, as for a booking that lost the room."""
    if not taken.alternatives:
        return f"{taken} {_('No other room is free at that time; try another time.')}"
    return f"{taken} {_('Free at that time:')} {', '.join(room.label for room in taken.alternatives)}"


def live_context(viewer: services.Viewer, since: int = 0, *, revision: int) -> dict:
    """Everything the live region needs; `since` marks items changed after it for the highlight, `revision` is
    the one the screen is drawn at (its "show more" counts only the items added up to it).
    A first load draws the first AGENDA_FIRST items and takes the totals from one aggregate query; grouped by
    department it draws every item."""
    meeting = viewer.meeting
    group = request.args.get("group") == "department"
    limit = None if group else queries.AGENDA_FIRST
    items = queries.agenda(meeting, limit, upto=revision)
    summary = queries.Budget.of(items) if group else queries.budget(meeting)
    more = None
    # A short page holds every item added up to `revision`; the totals may already count a later one.
    if items and len(items) == limit and len(items) < summary.count:
        more = queries.AgendaCursor(0, 0, 0, revision).after(items)
    return {"meeting": meeting, "viewer": viewer, "items": items, "since": since, "group": group,
            "shown_items": items, "groups": queries.grouped(items) if group else None, "today": today(),
            "summary": summary, "agenda_more": more, "agenda_total": summary.count,
            "agenda_page_size": queries.AGENDA_MORE,
            "attendance": attendance_rules.attendance(meeting), "departments": active_departments()}


def followup_context(viewer: services.Viewer, rows=None) -> dict:
    """The follow-up section (its first FOLLOWUPS_FIRST rows), or only `rows` of it when just those changed.

    `action_moves` is called per row by the template: the rule is decided here, in the state table.
    """
    more = total = None  # only some rows are redrawn: the section's count and "show more" stay as they are
    if rows is None:
        rows = queries.followups(viewer.meeting, queries.FOLLOWUPS_FIRST)
        total = queries.followup_count(viewer.meeting)
        more = _followups_more(rows, len(rows), total)
    return {"followups": rows, "followup_total": total, "followups_more": more,
            "followups_page_size": queries.FOLLOWUPS_MORE, "today": today(),
            "action_moves": lambda action: moves_for(current_user, action)}


def _followups_more(rows, shown: int, total: int) -> dict | None:
    """The "show more" link's arguments after `rows`, the last drawn follow-ups (None when none are left)."""
    if not rows or shown >= total:
        return None
    return {"deadline": rows[-1].deadline.isoformat(), "after": rows[-1].id, "shown": shown}


def _followups_cursor() -> tuple | None:
    """(deadline, id) of the last follow-up a screen has drawn, from the "show more" link."""
    action_id = int_arg("after", 0)
    try:
        deadline = date.fromisoformat(request.args.get("deadline", "")[:10])
    except ValueError:
        return None
    return None if action_id is None else (deadline, action_id)


def new_item_form(viewer: services.Viewer, formdata=None) -> ItemForm:
    """The add form; the office's "raised by" starts at their own department."""
    form = ItemForm(formdata=formdata, prefix="new", departments=active_departments(),
                    can_choose_department=viewer.is_office)
    if formdata is None and "department_id" in form:
        form.department_id.data = viewer.user.department_id
    return form


@bp.get("/<int:meeting_id>")
@cached_page(*LIVE_TOPICS, seconds=60)
def detail(meeting_id: int):
    """The shared screen: agenda, follow-ups and the add form, kept current by the poll (static/meetings.js)."""
    viewer = viewer_for(meeting_id)
    revision = live.revisions(meeting_id).revision
    new_form = new_item_form(viewer)
    context = {**live_context(viewer, revision=revision), **followup_context(viewer)}
    return render_template("meetings/detail.html", revision=revision, new_form=new_form, **context,
                           answer_form=rsvp.answer_form(viewer.meeting, current_user)
                           if viewer.answers_notice else None)


@bp.get("/<int:meeting_id>/agenda")
@cached_page(*LIVE_TOPICS, seconds=60)
def agenda(meeting_id: int):
    """The next AGENDA_MORE items after those a screen has drawn ("show more"), and the next "show more" while
    items are left. They take the button's place, before any item the poll appended since; until the next full
    redraw of the live region the poll keeps every drawn item current."""
    viewer = viewer_for(meeting_id)
    cursor = queries.AgendaCursor(int_arg("position", 0) or 0, int_arg("after", 0) or 0, int_arg("shown", 0) or 0,
                                  int_arg("upto", 0) or 0)
    items = queries.agenda_after(viewer.meeting, cursor, queries.AGENDA_MORE)
    total = queries.agenda_total(viewer.meeting, cursor.revision)
    more = cursor.after(items) if items and cursor.shown + len(items) < total else None
    return render_template("meetings/_agenda_page.html", meeting=viewer.meeting, viewer=viewer, items=items,
                           today=today(), agenda_more=more, agenda_total=total,
                           agenda_page_size=queries.AGENDA_MORE)


@bp.get("/<int:meeting_id>/followups")
@cached_page(*LIVE_TOPICS, seconds=60)
def followups(meeting_id: int):
    """The next FOLLOWUPS_MORE follow-up rows after those a screen has drawn ("show more"), and the next "show
    more" while rows are left; the section is 500 rows long in a busy series, so it comes a page at a time."""
    viewer = viewer_for(meeting_id)
    rows = queries.followups(viewer.meeting, queries.FOLLOWUPS_MORE, _followups_cursor())
    total = queries.followup_count(viewer.meeting)
    shown = (int_arg("shown", 0) or 0) + len(rows)
    return render_template("meetings/_followup_page.html", meeting=viewer.meeting, followups=rows, today=today(),
                           followup_total=total, followups_more=_followups_more(rows, shown, total),
                           followups_page_size=queries.FOLLOWUPS_MORE,
                           action_moves=lambda action: moves_for(current_user, action))


@bp.get("/<int:meeting_id>/changes")
def changes(meeting_id: int):
    """204 (one indexed query, which also checks the reader may see the meeting) when nothing changed since
    `since`; else the changed parts as partials, tagged like the screen itself, so the same question asked
    again with its tag (a retried poll) is answered 304 without drawing them."""
    since = int_arg("since", 0) or 0
    row = live.revisions(meeting_id, reader=current_user)
    if row is None:
        abort(404)
    if row.revision <= since:
        return "", 204, {"Cache-Control": "no-store"}
    tag, not_modified = revalidate(LIVE_TOPICS, seconds=60)
    if not_modified:
        return not_modified
    found = live.changes_since(meeting_id, since, row)
    viewer = viewer_for(meeting_id)
    group = request.args.get("group") == "department"
    # Grouped, a new item belongs inside its department's list, which may not exist yet: redraw all.
    found.layout = found.layout or bool(group and found.new_items)
    context = {"changes": found, "revision": found.revision, "since": since, "group": group}
    if found.layout:
        context.update(live_context(viewer, since, revision=found.revision))
    else:
        # Any item change may change a time budget: refresh the totals (one aggregate query).
        context.update(viewer=viewer, meeting=viewer.meeting, today=today(),
                       summary=queries.budget(viewer.meeting) if found.items or found.new_items else None)
    if found.followup:
        context.update(followup_context(viewer))
    elif found.action_ids:
        context.update(followup_context(viewer, queries.by_ids(found.action_ids)))
    return tagged(render_template("meetings/_changes.html", **context), tag)


changes.revision_topics = LIVE_TOPICS  # tagged as a page is: tests/test_page_revisions.py checks it as one


@bp.post("/<int:meeting_id>/presence")
def presence(meeting_id: int):
    """Called by each open screen every few seconds: note this person, answer with who else is here."""
    viewer = viewer_for(meeting_id)
    live.touch(meeting_id, current_user)
    group = viewer.meeting.series
    members = {person.id for person in group.members} if group.is_group else None
    return render_template("meetings/_presence.html", meeting=viewer.meeting,
                           audience=live.present(meeting_id, members))


@bp.post("/<int:meeting_id>/status")
@role_required(Role.OFFICE)
def status(meeting_id: int):
    viewer = viewer_for(meeting_id)
    try:
        closing.change_status(viewer, request.form.get("move", ""),
                              attendance_accepted=request.form.get("attendance") == "accepted")
    except closing.AttendanceUnconfirmed:
        return redirect_after_post(url_for("meetings.close", meeting_id=meeting_id))
    except services.MeetingError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The meeting is now: %(status)s.", status=viewer.meeting.status_enum.label), "success")
    return redirect_after_post(url_for("meetings.detail", meeting_id=meeting_id))


@bp.get("/<int:meeting_id>/close")
@role_required(Role.OFFICE)
def close(meeting_id: int):
    """Asked before closing with attendance nobody confirmed: what the minutes would record, and the choice
    between checking it first and closing with it."""
    viewer = viewer_for(meeting_id)
    return render_template("meetings/close.html", meeting=viewer.meeting, viewer=viewer,
                           attendees=attendance_rules.attendees(viewer.meeting),
                           confirmed=attendance_rules.is_confirmed(viewer.meeting))


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@role_required(Role.OFFICE)
def attendance(meeting_id: int):
    """Office ticks which liaisons (named per department) are present and who sent a substitute."""
    viewer = viewer_for(meeting_id)
    form, attendees = AttendanceForm(), attendance_rules.attendees(viewer.meeting)
    if form.validate_on_submit():
        ids = [a.key for a in attendees]
        entries = {i: (request.form.get(f"status-{i}", ""), request.form.get(f"substitute-{i}", "")) for i in ids}
        try:
            attendance_rules.record_attendance(viewer, entries)
        except services.MeetingError as exc:
            attach_error(form, exc)
        else:
            flash(_("Attendance is saved."), "success")
            return redirect_after_post(url_for("meetings.detail", meeting_id=meeting_id))
    return render_form("meetings/attendance.html", "meetings/attendance.html", form=form, meeting=viewer.meeting,
                       attendees=attendees, choices=AttendanceStatus,
                       substitute_length=attendance_rules.SUBSTITUTE_LENGTH,
                       confirmed=attendance_rules.is_confirmed(viewer.meeting))
