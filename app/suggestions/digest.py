"""The weekly digest: on screen (printable), as CSV and as an Excel workbook."""
from datetime import date

from flask import Response, request

from app.htmx import render

from . import reports
from .blueprint import bp
from .triage import office_only

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _week() -> date:
    """The Monday of the asked week (`?week=` any day in it), else of last week."""
    try:
        return reports.week_start(date.fromisoformat(request.args["week"]))
    except (KeyError, ValueError):
        return reports.week_start()


@bp.get("/digest")
@office_only
def digest():
    result = reports.digest(_week())
    return render("suggestions/digest.html", "suggestions/_digest_list.html", digest=result,
                  previous=reports.shift(result.monday, -7), following=reports.shift(result.monday, 7))


@bp.get("/digest.csv")
@office_only
def digest_csv():
    result = reports.digest(_week())
    return _download(reports.digest_csv(result), "text/csv; charset=utf-8", result, "csv")


@bp.get("/digest.xlsx")
@office_only
def digest_xlsx():
    result = reports.digest(_week())
    return _download(reports.digest_xlsx(result), XLSX, result, "xlsx")


def _download(body: bytes, mimetype: str, result, extension: str) -> Response:
    name = f"suggestions-{result.monday.isoformat()}.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
