"""The office board: open requests by status column (overdue first), and the closed list."""
from flask import abort, request
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.htmx import render
from app.pagecache import cached_page
from app.params import int_arg, page_arg
from app.timeutil import utcnow

from . import queries
from .blueprint import bp
from .workflow import OPEN_STATUSES, Status


@bp.get("/board")
@login_required
@role_required(Role.OFFICE)
@cached_page("repairs", "calendar", seconds=60)
def board():
    """For the office: open requests by status, overdue first, and a paginated list of closed ones."""
    filters = queries.Filters.from_args(request.args)
    closed = queries.closed(filters, page_arg())
    return render("repairs/board.html", "repairs/_board_lists.html", columns=queries.board(filters),
                  closed=closed, size=queries.BOARD_COLUMN_SIZE, filters=filters,
                  options=queries.filter_options(filters), now=utcnow())


@bp.get("/board/<status>")
@login_required
@role_required(Role.OFFICE)
@cached_page("repairs", "calendar", seconds=60)
def board_column(status: str):
    """The next slice of one board column, for its "show more" button (or as a page without htmx)."""
    column = Status.of(status)
    if column not in OPEN_STATUSES:
        abort(404)
    filters = queries.Filters.from_args(request.args)
    offset = int_arg("offset", 0, 100_000) or 0
    items = queries.board_slice(filters, column, offset)
    return render("repairs/board_column.html", "repairs/_board_slice.html", column=column, items=items,
                  offset=offset, total=queries.column_count(filters, column), size=queries.BOARD_COLUMN_SIZE,
                  filters=filters, now=utcnow())
