"""Meter readings from a spreadsheet (.xlsx or .csv), checked as a whole before anything is stored.

The file is read by the one upload reader of the product (``spreadsheets.reading``): the same
safety checks before parsing (size, extension and magic bytes, zip bombs, defusedxml), the same
Excel-dialect CSV in UTF-8 or GB18030, the same sheet read without trusting its declared size.
Headers are matched with the synonyms every import shares (``spreadsheets.headers``): 小区代码,
小区编码, 小区 or 项目; 楼栋, 楼号 or 栋; 房号, 房间号 or 室; 本期读数; 上期读数 (optional,
default: the last stored reading of that meter). A title row above the header is skipped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from estates.models import House
from spreadsheets.headers import clean_header, did_you_mean, synonyms_for
from spreadsheets.reading import HEADER_SEARCH_ROWS, SheetReader
from spreadsheets.safety import SpreadsheetError

from fees.models import FeeItem, MeterReading
from fees.services import ReadingRow, month_start

MAX_ROWS = 50_000

#: Column name → headers, from the shared synonyms (plus the English headings of the template).
COLUMNS = {
    name: (*synonyms_for(name), *extra)
    for name, extra in (
        ("estate", ("estate code",)), ("building", ()), ("unit", ()), ("room", ("room number",)),
        ("previous", ("previous", "上期读数")), ("reading", ("current reading", "本期读数")),
    )
}
REQUIRED = ("estate", "building", "room", "reading")
COLUMN_LABELS = {
    "estate": gettext_lazy("estate code"), "building": gettext_lazy("building"), "unit": gettext_lazy("unit"),
    "room": gettext_lazy("room number"), "previous": gettext_lazy("previous reading"),
    "reading": gettext_lazy("reading"),
}
_KNOWN = {clean_header(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


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


def read_table(upload) -> list[list[str]]:
    """The rows of the first sheet (or the CSV) as text, after the shared safety checks."""
    rows = []
    try:
        for row in SheetReader.open(upload).rows():
            rows.append([_clean(v) for v in row])
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise UploadRefused(_("The file has more than 50,000 rows."))
    except SpreadsheetError as exc:
        raise UploadRefused(str(exc)) from None
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(header):
        name = _KNOWN.get(clean_header(title))
        if name and name not in found:
            found[name] = index
    return found


def _header_row(table: list[list[str]]) -> int:
    """Index of the header: the first of the first rows naming every required column (else 0)."""
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        if set(REQUIRED) <= set(_columns(row)):
            return index
    return 0


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
    start = _header_row(table)
    columns = _columns(table[start])
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED if c not in columns]
    if missing:
        labels = {name: str(COLUMN_LABELS[name]) for name in COLUMNS}
        hints = [_("%(column)s (did you mean “%(hint)s”?)") % {"column": title, "hint": hint}
                 for title in table[start] if title and clean_header(title) not in _KNOWN
                 for hint in [did_you_mean(title, _KNOWN, labels)] if hint]
        message = _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        return [], [RowError(start + 1, "", " ".join([message, *hints]))]
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

    for line, row in enumerate(table[start + 1:], start=start + 2):
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
