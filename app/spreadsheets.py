"""CSV and XLSX in and out, one policy for every import and export.

Imports decode UTF-8 (with or without BOM) and fall back to GB18030, since Excel on Chinese Windows
saves CSV as GBK; an unreadable file is reported, never silently patched. Exports guard every cell
against formula injection: text starting with = + - @ would run as a formula in a spreadsheet.
"""
import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters break XLSX (openpyxl refuses them) and confuse CSV readers; newline and tab stay.
_CONTROL = {c: None for c in range(32) if c not in (9, 10)}


@dataclass
class ImportResult:
    """The rows read from a file, each with its line number in the file, or the errors found."""
    rows: list = field(default_factory=list)      # (line, {column: stripped text})
    errors: list = field(default_factory=list)    # messages, each naming its line
    created: list = field(default_factory=list)   # what the caller made of the rows

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(raw: bytes) -> str | None:
    """The file's text, or None when it is neither UTF-8 nor GB18030."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def read_csv(raw: bytes, columns: tuple) -> ImportResult:
    """Rows of a CSV file whose first line names at least `columns`; blank lines are skipped.

    Line numbers count the file's lines, so skipped blank lines and quoted line breaks don't shift them.
    """
    result = ImportResult()
    text = decode(raw)
    if text is None or "\x00" in text:
        result.errors.append(_l("The file is not a readable CSV file."))
        return result
    try:
        reader = csv.DictReader(io.StringIO(text))
        if not set(columns) <= set(reader.fieldnames or []):
            result.errors.append(_l("The first line must name the columns: %(columns)s.", columns=", ".join(columns)))
            return result
        for row in reader:
            values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str) and isinstance(v, str | None)}
            if any(values.values()):
                result.rows.append((reader.line_num, values))
    except csv.Error:
        result.errors.append(_l("The file is not a readable CSV file."))
    return result


def clean(value: str) -> str:
    """Text fit for a document: control characters (other than newline and tab) removed. Input is
    cleaned when typed; this guards against rows stored before that, so no record breaks an export."""
    return str(value).translate(_CONTROL)


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|~"}
                                  | {"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def markdown_text(value) -> str:
    """What a person typed, as literal text in a Markdown document: no heading, link, list or raw HTML
    can come out of it."""
    return clean(value or "").translate(_MARKDOWN_SPECIAL)


def safe_cell(value):
    """A value fit for a spreadsheet cell: control characters removed, formulas kept as text."""
    if not isinstance(value, str):
        return value
    value = value.translate(_CONTROL)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Chinese Windows opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows, title: str, bold_rows: tuple = (1,), widths: dict | None = None) -> bytes:
    """One sheet named `title`; `bold_rows` are 1-based row numbers drawn in bold (headers, titles)."""
    book = Workbook()
    sheet = book.active
    sheet.title = safe_cell(str(title))[:31] or "Sheet"
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for number in bold_rows:
        for cell in sheet[number]:
            cell.font = Font(bold=True)
    for column, width in (widths or {}).items():
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
