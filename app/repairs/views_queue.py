"""The maintenance queue: unassigned requests and my jobs, and its poll for changes made by others."""
from flask import render_template, request
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.htmx import render
from app.pagecache import cached_page
from app.params import int_arg, link_args, page_arg
from app.timeutil import utcnow

from . import queries, roster, workflow
from .blueprint import bp


@bp.get("/queue")
@login_required
@role_required(Role.MAINTENANCE)
@cached_page("repairs", "calendar", seconds=60)
def queue():
    """For maintenance on a phone: unassigned and my jobs, most urgent first, one tap per step."""
    filters = queries.Filters.from_args(request.args)
    me = current_user._get_current_object()  # asked of every row: the person, not the proxy to them
    page = queries.queue(me, filters, page_arg())
    actions = workflow.actions_by_id(me, page.items)
    on_duty = roster.on_duty_id_at(utcnow()) == me.id
    return render("repairs/queue.html", "repairs/_queue_rows.html", page=page, actions_by_id=actions,
                  on_duty=on_duty, cursor=queries.queue_cursor(me, filters), filters=filters,
                  options=queries.filter_options(filters), now=utcnow())


@bp.get("/queue/news")
@login_required
@role_required(Role.MAINTENANCE)
def queue_news():
    """The open queue's poll: 204 while nothing changed for this person, else a line offering the new list.
    The list is not swapped in by itself, so a note being typed into a row is never lost."""
    filters = queries.Filters.from_args(request.args)
    if not queries.queue_changed_since(current_user, filters, int_arg("since", 0) or 0):
        return "", 204, {"Cache-Control": "no-store"}
    args = {key: value for key, value in link_args().items() if key != "since"}
    return render_template("repairs/_queue_news.html", args=args), 200, {"Cache-Control": "no-store"}
