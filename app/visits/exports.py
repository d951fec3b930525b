"""The visitor register as CSV or XLSX, for security and audits."""
from itertools import chain

from flask_babel import gettext as _

from app.i18n import local_time
from app.spreadsheets import csv_bytes, xlsx_bytes


def _columns():
    return [_("Date"), _("Organisation"), _("Visitors"), _("Count"), _("Host"), _("Host department"),
            _("Room"), _("Expected arrival"), _("Expected departure"), _("Arrived"), _("Departed"), _("Status")]


def _row(visit) -> list:
    return [local_time(visit.expected_arrival, "yyyy-MM-dd"), visit.organisation, ", ".join(visit.names),
            visit.visitor_count, visit.host.name, str(visit.host_department or ""), visit.room_name,
            local_time(visit.expected_arrival, "yyyy-MM-dd HH:mm"),
            local_time(visit.expected_departure, "yyyy-MM-dd HH:mm"),
            local_time(visit.arrived_at, "yyyy-MM-dd HH:mm"), local_time(visit.departed_at, "yyyy-MM-dd HH:mm"),
            str(visit.shown_status.label)]


def register_csv(visits) -> bytes:
    return csv_bytes(chain([_columns()], map(_row, visits)))


def register_xlsx(visits) -> bytes:
    return xlsx_bytes(chain([_columns()], map(_row, visits)), _("Visitor register"))
