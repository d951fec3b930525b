"""The front desk: today's board (polled), the visitor register with exports, the printable sheet and badge."""
from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.auth.services import active_departments
from app.htmx import render, wants_fragment
from app.pagecache import cached_page
from app.params import page_arg
from app.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE
from app.timeutil import utcnow

from . import exports, queries, services
from .blueprint import bp
from .board_cards import board_facts
from .rows import row_helpers, step_path, visit_path, visitor_count

FRONT_DESK = (Role.RECEPTION, Role.OFFICE)


def card_helpers(visits) -> dict:
    """What the board's cards write, worked out here so the card template holds no rules: each card's facts
    (board_cards.py), and the addresses, times and visitor counts every card and row writes, resolved once for
    the page (rows.py)."""
    user = current_user._get_current_object()  # asked about for every card: not via the proxy
    return {"facts": board_facts(visits, user, utcnow()), "tick_path": step_path("visits.tick"),
            "undo_path": step_path("visits.undo"), "detail_path": visit_path("visits.detail"),
            "arrive_path": visit_path("visits.arrive"), "depart_path": visit_path("visits.depart"),
            "visitors": visitor_count(), **row_helpers()}


def board_card(visit_id: int) -> str:
    """One visit's card on the board, after an action taken on it there."""
    visit = queries.board_visit(visit_id)
    return render_template("visits/_card.html", visit=visit, **card_helpers([visit]))


@bp.get("/today")
@login_required
@role_required(*FRONT_DESK)
@cached_page("visits", "rooms", "calendar", seconds=60)
def today():
    """Today's visits by time, who is still in the building, and tomorrow's; the page polls every 5 seconds
    and an unchanged board answers 204 after a single query."""
    if wants_fragment() and request.args.get("since") == queries.board_stamp():
        return "", 204, {"Vary": "HX-Request"}
    board = queries.board()
    return render("visits/today.html", "visits/_board.html", board=board, **card_helpers(board.today))


@bp.get("/register")
@login_required
@role_required(*FRONT_DESK)
@cached_page("visits", "rooms", "calendar", seconds=60)
def register():
    """Every visit with its arrival and departure, searchable and filtered, as security and audits ask."""
    register_filter = queries.RegisterFilter.from_args(request.args)
    page = queries.register_page(register_filter, page_arg())
    departments = [(d.id, str(d)) for d in active_departments()]
    return render("visits/register.html", "visits/_register_rows.html", page=page, args=request.args,
                  departments=departments, **row_helpers())


@bp.get("/register.<any(csv, xlsx):kind>")
@login_required
@role_required(*FRONT_DESK)
def register_export(kind: str):
    rows = queries.register_rows(queries.RegisterFilter.from_args(request.args))
    stamp = utcnow().strftime("%Y%m%d")
    if kind == "csv":
        body, mimetype = exports.register_csv(rows), CSV_MIMETYPE
    else:
        body, mimetype = exports.register_xlsx(rows), XLSX_MIMETYPE
    filename = f"visitor-register-{stamp}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/<int:visit_id>/sheet")
@login_required
def sheet(visit_id: int):
    """The visit on one printed page: facts, visitors and the checklist with due times."""
    visit = services.get_visible(current_user, visit_id) or abort(404)
    return render_template("visits/sheet.html", visit=visit, personal=services.sees_personal_data(current_user, visit),
                           now=utcnow())


@bp.get("/<int:visit_id>/badges")
@login_required
@role_required(*FRONT_DESK)
def badges(visit_id: int):
    """One badge per visitor (name, organisation, host, date), laid out for printing on A4."""
    visit = services.get_visible(current_user, visit_id) or abort(404)
    names = visit.names or [_("Visitor")] * visit.visitor_count
    return render_template("visits/badges.html", visit=visit, names=names)
