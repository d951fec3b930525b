"""The lists: my requests, the maintenance queue, the office board with its closed list."""
from flask import abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth.roles import Role, role_required
from app.htmx import render
from app.timeutil import utcnow

from . import duty, lists, places, stats, workflow
from .blueprint import bp
from .models import CATEGORIES, OPEN_STATUSES, STATUSES, URGENCIES


def _filter_context(filters) -> dict:
    return {"filters": filters, "categories": CATEGORIES, "urgencies": URGENCIES,
            "locations": places.pick_locations(), "now": utcnow()}


@bp.get("/")
@login_required
def index():
    """My requests: status, who is on it, and the clock."""
    page = lists.mine(current_user, request.args.get("page", 1, type=int))
    return render("repairs/index.html", "repairs/_mine_rows.html", page=page, now=utcnow())


@bp.get("/queue")
@login_required
@role_required(Role.MAINTENANCE)
def queue():
    """For maintenance on a phone: unassigned and my jobs, most urgent first, one tap per step."""
    filters = lists.Filters.from_args(request.args)
    page = lists.queue(current_user, filters, request.args.get("page", 1, type=int))
    actions = {repair.id: workflow.allowed_actions(current_user, repair) for repair in page.items}
    on_duty = duty.on_duty_at(utcnow()) == current_user
    return render("repairs/queue.html", "repairs/_queue_rows.html", page=page, actions_by_id=actions,
                  on_duty=on_duty, cursor=lists.queue_cursor(current_user, filters), **_filter_context(filters))


@bp.get("/queue/news")
@login_required
@role_required(Role.MAINTENANCE)
def queue_news():
    """The open queue's poll: 204 while nothing changed for this person, else a line offering the new list.
    The list is not swapped in by itself, so a note being typed into a row is never lost."""
    filters = lists.Filters.from_args(request.args)
    if not lists.queue_changed_since(current_user, filters, request.args.get("since", 0, type=int)):
        return "", 204, {"Cache-Control": "no-store"}
    args = {key: value for key, value in request.args.items() if key != "since"}
    return render_template("repairs/_queue_news.html", args=args), 200, {"Cache-Control": "no-store"}


@bp.get("/board")
@login_required
@role_required(Role.OFFICE)
def board():
    """For the office: open requests by status, overdue first, and a paginated list of closed ones."""
    filters = lists.Filters.from_args(request.args)
    closed = lists.closed(filters, request.args.get("page", 1, type=int))
    return render("repairs/board.html", "repairs/_closed_rows.html", columns=lists.board(filters),
                  statuses=STATUSES, closed=closed, size=lists.BOARD_COLUMN_SIZE, **_filter_context(filters))


@bp.get("/board/<status>")
@login_required
@role_required(Role.OFFICE)
def board_column(status: str):
    """The next slice of one board column, for its "show more" button (or as a page without htmx)."""
    if status not in OPEN_STATUSES:
        abort(404)
    filters = lists.Filters.from_args(request.args)
    offset = max(request.args.get("offset", 0, type=int), 0)
    items = lists.board_slice(filters, status, offset)
    return render("repairs/board_column.html", "repairs/_board_slice.html", column=status, items=items,
                  offset=offset, total=lists.column_count(filters, status), size=lists.BOARD_COLUMN_SIZE,
                  statuses=STATUSES, **_filter_context(filters))


def office_card(user):
    """Dashboard card: open work by status, overdue, median response and fix time, worst equipment."""
    return Markup(render_template("repairs/_card.html", summary=stats.office_summary(), statuses=STATUSES,
                                  open_statuses=OPEN_STATUSES))
