"""The weekly digest: on screen (its list paged), the whole week to print, as CSV and as an Excel workbook."""
from flask import Response, render_template, request
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.htmx import render
from app.pagecache import cached_page
from app.params import page_arg
from app.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE
from app.timeutil import parse_day

from . import reports
from .blueprint import bp


def _week():
    """The Monday of the asked week (`?week=` any day in it), else of the current week."""
    day = parse_day(request.args.get("week"))
    return reports.week_start(day) if day else reports.week_start()


@bp.get("/digest")
@login_required
@role_required(Role.OFFICE)
@cached_page("suggestions", "calendar", seconds=60)
def digest():
    result = reports.digest(_week(), page=page_arg())
    return render("suggestions/digest.html", "suggestions/_digest_list.html", digest=result,
                  previous=reports.shift(result.monday, -7), following=reports.shift(result.monday, 7))


@bp.get("/digest/print")
@login_required
@role_required(Role.OFFICE)
def digest_print():
    """The whole week on one page, laid out for paper: the record the office files."""
    return render_template("suggestions/digest_print.html", digest=reports.digest(_week()))


@bp.get("/digest.csv")
@login_required
@role_required(Role.OFFICE)
def digest_csv():
    result = reports.digest(_week())
    return _download(reports.digest_csv(result), CSV_MIMETYPE, result, "csv")


@bp.get("/digest.xlsx")
@login_required
@role_required(Role.OFFICE)
def digest_xlsx():
    result = reports.digest(_week())
    return _download(reports.digest_xlsx(result), XLSX_MIMETYPE, result, "xlsx")


def _download(body: bytes, mimetype: str, result, extension: str) -> Response:
    name = f"suggestions-{result.monday.isoformat()}.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
