"""Tables people download: the same rows as CSV or as an .xlsx workbook.

A view builds a `Table` from what a domain query returns (values already in the reader's
language and the venue's time zone) and answers with `csv_response` or `xlsx_response`.
Cells are written with their type (numbers, dates, booleans stay numbers, dates and
booleans in a spreadsheet). Text that a spreadsheet would run as a formula is neutralised
in CSV; in a workbook it is written as a string cell, which is never evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | bool | date | datetime | None


def neutralise(text: str) -> str:
    """A spreadsheet never runs a cell as a formula: risky starts get a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@dataclass
class Table:
    """One sheet: a title (the sheet's name in a workbook), headers and typed rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]] = field(default_factory=list)
    # Python date formats for CSV; the workbook shows dates in its own format below.
    date_format: str = "%d/%m/%Y"
    datetime_format: str = "%d/%m/%Y %H:%M"
    # How CSV writes a yes/no cell (a workbook keeps it a boolean): ("oui", "non") in French.
    booleans: tuple[str, str] = ("1", "0")


def _csv_cell(value: Cell, table: Table) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return table.booleans[0] if value else table.booleans[1]
    if isinstance(value, datetime):
        return value.strftime(table.datetime_format)
    if isinstance(value, date):
        return value.strftime(table.date_format)
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(header)) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(value, table) for value in row])
    return buffer.getvalue()


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table, headers in bold, columns sized to their text."""
    import xlsxwriter  # loaded on the first download, not by every web worker

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for table in tables:
        # Sheet names: 31 characters at most, none of []:*?/\
        name = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Sheet"
        sheet = workbook.add_worksheet(name)
        widths = [len(str(header)) for header in table.headers]
        for column, header in enumerate(table.headers):
            sheet.write_string(0, column, str(header), bold)
        for number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                _write(sheet, number, column, value, day, moment)
                if column < len(widths):
                    widths[column] = max(widths[column], min(len(_csv_cell(value, table)), 60))
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width + 2)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _write(sheet, row: int, column: int, value: Cell, day, moment) -> None:
    if value is None:
        sheet.write_blank(row, column, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value)
    elif isinstance(value, datetime):
        # Spreadsheets have no time zones: the time as the reader's clock shows it.
        sheet.write_datetime(row, column, value.replace(tzinfo=None), moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), day)
    else:
        # A string cell is never evaluated: the text is kept exactly as typed.
        sheet.write_string(row, column, str(value))


def _download(body: bytes | str, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def csv_response(table: Table, filename: str) -> Response:
    # A byte-order mark so that spreadsheets open accented text as UTF-8.
    return _download("\ufeff" + to_csv(table), "text/csv; charset=utf-8", filename)


def xlsx_response(tables: Sequence[Table], filename: str) -> Response:
    return _download(to_xlsx(tables), XLSX_TYPE, filename)
