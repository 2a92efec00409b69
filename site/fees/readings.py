"""Meter readings from a spreadsheet (.xlsx or .csv), checked as a whole before anything is stored.

Safety before parsing: a size limit, the extension and the file's first bytes must agree, and an
.xlsx (a zip) is refused when it has too many members or would unpack to too much (zip bomb).
openpyxl parses with defusedxml when it is installed (it is: requirements), read-only.

Columns (Chinese or English headings): 小区编码/estate code, 楼栋/building, 单元/unit,
房号/room, 本期读数/reading, and optionally 上期读数/previous reading (default: the last
stored reading of that meter).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from estates.models import House

from fees.models import FeeItem, MeterReading
from fees.services import ReadingRow, month_start

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_MEMBERS = 200
MAX_ROWS = 50_000

COLUMNS = {
    "estate": ("小区编码", "estate code", "estate"),
    "building": ("楼栋", "building"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room", "room number"),
    "previous": ("上期读数", "previous reading", "previous"),
    "reading": ("本期读数", "reading", "current reading"),
}
REQUIRED = ("estate", "building", "room", "reading")
COLUMN_LABELS = {
    "estate": gettext_lazy("estate code"), "building": gettext_lazy("building"), "unit": gettext_lazy("unit"),
    "room": gettext_lazy("room number"), "previous": gettext_lazy("previous reading"),
    "reading": gettext_lazy("reading"),
}


@dataclass
class RowError:
    line: int
    column: str
    message: str


class UploadRefused(Exception):
    """The file itself is not acceptable (size, type, zip bomb, unreadable)."""


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_table(name: str, data: bytes) -> list[list[str]]:
    """The rows of the first sheet (or the CSV) as text, after the safety checks."""
    if len(data) > MAX_BYTES:
        raise UploadRefused(_("The file is larger than 5 MB."))
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise UploadRefused(_("This is not a real .xlsx file."))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()
                if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED:
                    raise UploadRefused(_("The spreadsheet unpacks to too much data; it was not read."))
        except zipfile.BadZipFile:
            raise UploadRefused(_("This is not a real .xlsx file.")) from None
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append([_clean(v) for v in row])
                if len(rows) > MAX_ROWS + 1:
                    raise UploadRefused(_("The file has more than 50,000 rows."))
            workbook.close()
        except UploadRefused:
            raise
        except Exception:
            raise UploadRefused(_("The spreadsheet could not be read.")) from None
        return rows
    if lower.endswith(".csv"):
        if b"\x00" in data[:4096]:
            raise UploadRefused(_("This is not a text (CSV) file."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise UploadRefused(_("The CSV file must be in UTF-8 or GBK.")) from None
        rows = [[_clean(v) for v in row] for row in csv.reader(io.StringIO(text))]
        if len(rows) > MAX_ROWS + 1:
            raise UploadRefused(_("The file has more than 50,000 rows."))
        return rows
    raise UploadRefused(_("Upload an .xlsx or .csv file."))


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        for name, aliases in COLUMNS.items():
            if key in aliases and name not in found:
                found[name] = index
    return found


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 and value == value.quantize(Decimal("0.01")) else None


def parse_readings(*, fee_item: FeeItem, period, table: list[list[str]]) -> tuple[list[ReadingRow], list[RowError]]:
    """Validate every row; returns the rows and the errors (row number as in the spreadsheet)."""
    period = month_start(period)
    errors: list[RowError] = []
    if not table:
        return [], [RowError(1, "", _("The file is empty."))]
    columns = _columns(table[0])
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED if c not in columns]
    if missing:
        return [], [RowError(1, "", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
    estate = fee_item.estate
    houses = {
        (building, unit, room): house
        for house in House.objects.filter(building__estate=estate).select_related("building")
        for building, unit, room in [(house.building.name, house.unit, house.room)]
    }
    last_readings: dict[int, Decimal] = {}
    for house_id, reading in (
        MeterReading.objects.filter(fee_item=fee_item, period__lt=period).order_by("house_id", "period")
        .values_list("house_id", "reading")
    ):
        last_readings[house_id] = reading  # ordered by period: the last one wins
    rows: list[ReadingRow] = []
    seen: dict[int, int] = {}

    def cell(row, name):
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    for line, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        label = COLUMN_LABELS
        code = cell(row, "estate")
        if code.upper() != estate.code.upper():
            errors.append(RowError(line, str(label["estate"]), _("“%(code)s” is not the code of %(estate)s (%(expected)s).") % {
                "code": code, "estate": estate.name, "expected": estate.code}))
            continue
        key = (cell(row, "building"), cell(row, "unit"), cell(row, "room"))
        house = houses.get(key)
        if house is None:
            errors.append(RowError(line, str(label["room"]), _("No house %(house)s in this estate.") % {
                "house": "-".join(p for p in key if p)}))
            continue
        if house.pk in seen:
            errors.append(RowError(line, str(label["room"]), _("This house is already on row %(line)s.") % {"line": seen[house.pk]}))
            continue
        seen[house.pk] = line
        reading = _decimal(cell(row, "reading"))
        if reading is None:
            errors.append(RowError(line, str(label["reading"]), _("Enter the reading as a number ≥ 0 with at most two decimals.")))
            continue
        previous_text = cell(row, "previous")
        if previous_text:
            previous = _decimal(previous_text)
            if previous is None:
                errors.append(RowError(line, str(label["previous"]), _("Enter the reading as a number ≥ 0 with at most two decimals.")))
                continue
        elif house.pk in last_readings:
            previous = last_readings[house.pk]
        else:
            errors.append(RowError(line, str(label["previous"]), _("This meter has no earlier reading: give the previous reading.")))
            continue
        if reading < previous:
            errors.append(RowError(line, str(label["reading"]), _("The reading %(reading)s is lower than the previous reading %(previous)s.") % {
                "reading": reading, "previous": previous}))
            continue
        rows.append(ReadingRow(line=line, house=house, previous=previous, reading=reading))
    if not rows and not errors:
        errors.append(RowError(1, "", _("The file has no readings.")))
    return rows, errors
