"""The monthly report on a page (phone first), and as Word and Excel files; office and leaders."""
from datetime import timedelta

from flask import Response, render_template, request
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.pagecache import cached_page
from app.spreadsheets import XLSX_MIMETYPE
from app.timeutil import today

from . import exports, queries
from .blueprint import bp
from .forms import MonthForm

READERS = (Role.OFFICE, Role.LEADER)
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Every feature the report reads; "meetings" holds the tasks (action items are tasks of one source).
TOPICS = ("suggestions", "repairs", "visits", "requests", "meetings", "satisfaction")


def _month():
    """The month asked for (`?month=2026-11`), by default the last full month; the form carries any error."""
    form = MonthForm(request.args)
    if not form.month.data:
        form.month.data = (today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    first = form.chosen if form.validate() else None
    return form, first


@bp.get("/monthly")
@login_required
@role_required(*READERS)
@cached_page(*TOPICS, seconds=300)
def monthly():
    form, first = _month()
    if first is None:
        return render_template("reports/monthly.html", form=form, report=None, exports=exports), 422
    return render_template("reports/monthly.html", form=form, report=queries.monthly(first), exports=exports)


def _download(kind: str):
    form, first = _month()
    if first is None:
        return render_template("reports/monthly.html", form=form, report=None, exports=exports), 422
    report = queries.monthly(first)
    body, mimetype = ((exports.as_docx(report), DOCX_MIMETYPE) if kind == "docx"
                      else (exports.as_xlsx(report), XLSX_MIMETYPE))
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=f"office-report-{first:%Y-%m}.{kind}")
    return response


@bp.get("/monthly.docx")
@login_required
@role_required(*READERS)
def monthly_docx():
    return _download("docx")


@bp.get("/monthly.xlsx")
@login_required
@role_required(*READERS)
def monthly_xlsx():
    return _download("xlsx")
