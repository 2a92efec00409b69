"""Writing spreadsheets: exports (.xlsx, .csv), the blank template and the failed-rows file.

Every text cell that a spreadsheet program would read as a formula (it begins with = + - @, a
tab or a carriage return) is prefixed with a single quote (CWE-1236).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from spreadsheets.resources.base import SpreadsheetResource
from spreadsheets.safety import escape_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_NATIVE = (int, float, Decimal, datetime.date, datetime.datetime, bool)


def _cell(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, _NATIVE):
        return value
    return escape_cell(str(value))


def xlsx_bytes(headers: list[str], rows: Iterable[list], *, title: str) -> bytes:
    """A streamed (write-only) workbook: memory stays flat however many rows there are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    sheet.append([escape_cell(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM, so Excel in China opens it with the right encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return escape_cell(str(value))


def template_bytes(resource: SpreadsheetResource, *, title: str) -> bytes:
    """A blank workbook: the header row, drop-down lists for choice columns, and an
    instructions sheet saying what each column takes, with an example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Sheet1"
    columns = resource.columns()
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.append([c.header for _n, c in columns])
    for index, (_name, column) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        choices = column.choices()
        if choices:
            formula = '"' + ",".join(c.replace('"', "") for c in choices) + '"'
            if len(formula) <= 255:
                validation = DataValidation(type="list", formula1=formula, allow_blank=not column.required)
                validation.error = _("Choose a value from the list.")
                validation.showErrorMessage = True
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}10000")
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Instructions")[:31])
    guide.append([_("Column"), _("Required"), _("What it takes"), _("Example")])
    for cell in guide[1]:
        cell.font = bold
    for _name, column in columns:
        what = str(column.help_text or "")
        if column.choices():
            what = (what + " " if what else "") + _("One of: %(choices)s.") % {"choices": "、".join(column.choices())}
        guide.append([column.header, _("yes") if column.required else _("no"), what, escape_cell(str(column.example or ""))])
    guide.append([])
    guide.append([_("Fill in the first sheet from row 2 on; keep the header row. Columns may be in any order. "
                    "Records are matched by: %(key)s.") % {"key": "、".join(resource.column(n).header for n in resource.natural_key)}])
    guide.append([_("Example row")])
    guide.append([escape_cell(str(c.example or "")) for _n, c in columns])
    for letter, width in (("A", 24), ("B", 10), ("C", 60), ("D", 20)):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def failed_rows_bytes(headers: list[str], failed: list, *, title: str) -> bytes:
    """The rows that could not be imported, as they were, with an error column in front."""
    rows = ([message, *raw] for _number, raw, message in failed)
    return xlsx_bytes([_("Errors"), *headers], rows, title=title)
