"""Writing spreadsheets: the one writer of every export (.xlsx, .csv) in the product, the blank
import template and the failed-rows file.

- Every text cell that a spreadsheet program would read as a formula (it begins with = + - @,
  a tab or a carriage return) is prefixed with a single quote (CWE-1236); imports remove it.
- CSV is UTF-8 with a BOM (Excel in China opens it right) in the Excel dialect (RFC 4180).
- ``export_response`` masks the personal columns for roles without personal-data access and
  writes an unmasked export to the personal-data access log: callers hand it raw values.
Used by the archives' exports (spreadsheets.views), the event sign-ups (bulletin), the KPIs
(servicedesk) and the fee listings (fees, through ``WagtailExportMixin``).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from estates.personal_data import can_view_personal_data, log_personal_data_access
from estates.personal_views import log_export
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
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # A spreadsheet cannot hold a time zone: the estate's local time, as on screen.
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
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


def export_bytes(
    *,
    fmt: str,
    headers: list[str],
    rows: Iterable[list],
    title: str = "Sheet1",
    user=None,
    personal: dict[int, Callable] | None = None,
    log: dict | None = None,
) -> tuple[bytes, str]:
    """(file content, content type) of an export. ``personal``: column index → mask function;
    those columns are masked unless ``user`` may view personal data, in which case the export is
    logged with ``log`` (keyword arguments of ``log_personal_data_access``: fields, detail,
    obj, estate; or fields, detail and the exported ``queryset``, logged once per estate)."""
    personal = personal or {}
    if personal:
        if user is not None and can_view_personal_data(user):
            log = dict(log or {})
            if "queryset" in log:
                # A listing's export: one access-log row per estate it holds, so each estate's
                # supervisors see it (estates.personal_views.log_export).
                log_export(user=user, queryset=log["queryset"], fields=log.get("fields", []), what=log.get("detail", ""))
            else:
                log_personal_data_access(user=user, action="export", **log)
        else:
            rows = ([personal[i](v) if i in personal and v else v for i, v in enumerate(row)] for row in rows)
    if fmt == "xlsx":
        return xlsx_bytes(headers, rows, title=title), XLSX_TYPE
    if fmt == "csv":
        return csv_bytes(headers, rows), CSV_TYPE
    raise ValueError(fmt)


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def export_response(*, fmt: str, filename: str, **kwargs) -> HttpResponse:
    """An export as a download (see ``export_bytes``); ``filename`` without the extension."""
    data, content_type = export_bytes(fmt=fmt, **kwargs)
    return download(data, f"{filename}.{fmt}", content_type)


class WagtailExportMixin:
    """For a Wagtail listing view with ``list_export``: its "Download XLSX/CSV" go through
    ``export_response``. ``personal_export_fields``: field name → mask function."""

    personal_export_fields: dict[str, Callable] = {}

    def as_spreadsheet(self, queryset, spreadsheet_format):
        fields = list(self.list_export)
        headers = [self.get_heading(queryset, name) for name in fields]
        personal = {i: self.personal_export_fields[name] for i, name in enumerate(fields) if name in self.personal_export_fields}

        def rows():
            for item in queryset:
                row = self.to_row_dict(item)
                yield [self.preprocess_field_value(name, row[name], spreadsheet_format) for name in fields]

        return export_response(
            fmt=spreadsheet_format, headers=headers, rows=rows(), filename=self.get_filename(), user=self.request.user,
            personal=personal, log={"fields": [n for n in fields if n in self.personal_export_fields],
                                    "detail": str(self.model._meta.verbose_name_plural), "queryset": queryset},
        )


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
