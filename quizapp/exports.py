"""The one export writer of the app: tables to XLSX and CSV, and the download response.

Every export (reports, certificate register, administration) goes through here, so the rules
hold everywhere: CSV starts with a UTF-8 byte-order mark so Excel opens Vietnamese text
correctly; text that a spreadsheet would run as a formula (=, +, -, @, or a tab or CR before
one) is neutralised in both formats, headings and headers included (a class name is a title);
downloads are never kept by a shared cache (they carry personal data).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from flask import Response

from .i18n import gettext as _

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a spreadsheet may read as the start of a formula; Excel skips a leading tab or CR first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """One sheet: a title, column headers and rows of plain values (str, int, float, None)."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    #: Column widths in characters, when the defaults would cut text.
    widths: dict[int, int] = field(default_factory=dict)


@dataclass
class Export:
    """What an export says about itself above its tables (an empty filter line is left out)."""

    report: str
    filter_text: str
    made_at: str
    filename: str
    tables: list[Table]


def _text_cell(ws, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, whatever it starts with."""
    cell = _openpyxl().cell.WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True  # and Excel would re-read "+..", "-..", "@.." as one on edit
    return cell


@cache
def _openpyxl():
    """openpyxl, imported on the first spreadsheet rather than at start: with lxml it adds ~12 MB to
    every worker that loads it, and the workers serving quizzes never write one (issue 8, worker RSS)."""
    import openpyxl
    import openpyxl.cell
    import openpyxl.styles

    return openpyxl


def to_xlsx(export: Export) -> bytes:
    """The report as a workbook: one sheet per table, each under the same three-line header."""
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook(write_only=True)
    bold, title_font = openpyxl.styles.Font(bold=True), openpyxl.styles.Font(bold=True, size=14)
    for table in export.tables:
        ws = wb.create_sheet(title=table.title[:31])
        for index, width in table.widths.items():
            ws.column_dimensions[chr(ord("A") + index)].width = width
        ws.append([_text_cell(ws, str(export.report), title_font)])
        if export.filter_text:
            ws.append([_text_cell(ws, _("Filter: %(filter)s", filter=export.filter_text))])
        ws.append([_text_cell(ws, _("Made at: %(time)s (Vietnam time)", time=export.made_at))])
        ws.append([])
        ws.append([_text_cell(ws, str(header), bold) for header in table.headers])
        for row in table.rows:
            ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv_value(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def to_csv(table: Table) -> bytes:
    """The table as CSV (header row, then data), UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


CSV_MIME = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


def file_response(data: bytes, filename: str, mimetype: str, inline: bool = False) -> Response:
    """A download that no shared cache keeps (exports and certificates carry personal data)."""
    # content_type, not mimetype: Werkzeug appends a charset to text/* mimetypes even when one is given.
    resp = Response(data, content_type=mimetype)
    disposition = "inline" if inline else "attachment"
    resp.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def response(export: Export, fmt: str) -> Response:
    """An attachment in ``fmt`` ("xlsx" or "csv"; CSV carries the first table only)."""
    if fmt == "csv":
        return file_response(to_csv(export.tables[0]), f"{export.filename}.csv", CSV_MIME)
    return file_response(to_xlsx(export), f"{export.filename}.xlsx", XLSX_MIME)
