"""The visitor register as CSV or XLSX, for security and audits."""
import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook

from app.i18n import local_time


def _columns():
    return [_("Date"), _("Organisation"), _("Visitors"), _("Count"), _("Host"), _("Host department"),
            _("Room"), _("Expected arrival"), _("Expected departure"), _("Arrived"), _("Departed"), _("Status")]


def _row(visit) -> list:
    return [local_time(visit.expected_arrival, "yyyy-MM-dd"), visit.organisation, ", ".join(visit.names),
            visit.visitor_count, visit.host.name, str(visit.host_department or ""), visit.room_name,
            local_time(visit.expected_arrival, "yyyy-MM-dd HH:mm"),
            local_time(visit.expected_departure, "yyyy-MM-dd HH:mm"),
            local_time(visit.arrived_at, "yyyy-MM-dd HH:mm"), local_time(visit.departed_at, "yyyy-MM-dd HH:mm"),
            str(visit.status_label)]


def _safe(value):
    """Spreadsheets run cells starting with = + - @ as formulas; a visitor's name must stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def register_csv(visits) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Chinese Windows opens the names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_columns())
    for visit in visits:
        writer.writerow([_safe(v) for v in _row(visit)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def register_xlsx(visits) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Visitor register"))
    sheet.append(_columns())
    for visit in visits:
        sheet.append([_safe(v) for v in _row(visit)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
