"""The monthly report as people read it: each figure formatted, and as Word (python-docx) and Excel files."""
import io
from datetime import timedelta

from docx import Document
from docx.shared import Pt
from flask_babel import gettext as _

from app.spreadsheets import clean, xlsx_bytes

from .queries import AVERAGE, COUNT, DURATION, INDEX, SHARE, Figure, Report


def _duration(value: timedelta) -> str:
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return _("%(minutes)d min", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(hours)d h %(minutes)02d min", hours=hours, minutes=minutes)
    return _("%(days).1f days", days=hours / 24 + minutes / 1440)


def shown(kind: str, value) -> str:
    """A figure's value as the page, the Word file and the sheet show it; a dash when there is none."""
    if value is None:
        return "—"
    if kind == SHARE:
        return f"{round(value * 100)}%"
    if kind == AVERAGE:
        return f"{value:.1f}/5"
    if kind == DURATION:
        return _duration(value)
    if kind == INDEX:
        return f"{round(value)}/100"
    return str(value)


def change(figure: Figure) -> str:
    """The change from the previous month: a signed difference (points for shares), or a dash."""
    if figure.current is None or figure.previous is None:
        return "—"
    if figure.kind == COUNT:
        return f"{figure.current - figure.previous:+d}"
    if figure.kind == SHARE:
        return _("%(points)+d pts", points=round((figure.current - figure.previous) * 100))
    if figure.kind == AVERAGE:
        return f"{figure.current - figure.previous:+.1f}"
    if figure.kind == INDEX:
        return f"{round(figure.current - figure.previous):+d}"
    return _duration(abs(figure.current - figure.previous)) if figure.current != figure.previous else "±0"


def _title(report: Report) -> str:
    return _("Office monthly report, %(month)s", month=report.month.first.strftime("%Y-%m"))


def _header() -> list[str]:
    return [_("Figure"), _("This month"), _("Previous month"), _("Change")]


def _rows(section) -> list[list[str]]:
    return [[str(f.label), shown(f.kind, f.current), shown(f.kind, f.previous), change(f)] for f in section.figures]


def as_xlsx(report: Report) -> bytes:
    """One sheet: the title, then each section's name and its figures."""
    lines, bold = [[_title(report)], _header()], [1, 2]
    for section in report.sections:
        lines.append([str(section.title)])
        bold.append(len(lines))
        lines += _rows(section)
    return xlsx_bytes(lines, report.month.first.strftime("%Y-%m"), bold_rows=tuple(bold), widths={"A": 60, "B": 16,
                                                                                                   "C": 16, "D": 14})


def as_docx(report: Report) -> bytes:
    """A Word document: a heading per section and a table of its figures, as the page shows them."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(clean(_title(report)), level=1)
    for section in report.sections:
        document.add_heading(clean(str(section.title)), level=2)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, _header(), strict=True):
            cell.paragraphs[0].add_run(clean(text)).bold = True
        for row in _rows(section):
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = clean(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
