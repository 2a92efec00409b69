"""Report periods: a month (``2026-07``), a quarter (``2026-Q3``) or a year (``2026``), in local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_PATTERNS = [
    (MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (QUARTER, re.compile(r"^(\d{4})-[Qq]([1-4])$")),
    (YEAR, re.compile(r"^(\d{4})$")),
]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  #: first day
    end: date  #: first day after

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    def __str__(self):
        return self.label

    @property
    def start_at(self) -> datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> datetime:
        return _local_midnight(self.end)

    @property
    def months(self) -> int:
        return {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]

    def shifted(self, steps: int) -> Period:
        start = _add_months(self.start, steps * self.months)
        return Period(self.kind, start, _add_months(start, self.months))

    def last(self, count: int) -> list[Period]:
        """The ``count`` periods of this kind ending with this one, oldest first."""
        return [self.shifted(-i) for i in range(count - 1, -1, -1)]


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def of_kind(kind: str, day: date) -> Period:
    if kind == YEAR:
        start = date(day.year, 1, 1)
    elif kind == QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    else:
        start = date(day.year, day.month, 1)
    months = {MONTH: 1, QUARTER: 3, YEAR: 12}[kind]
    return Period(kind, start, _add_months(start, months))


def quarter_of(day: date) -> Period:
    return of_kind(QUARTER, day)


def parse(value: str) -> Period:
    """``2026-07``, ``2026-Q3`` or ``2026``; anything else is a ValidationError (a 400)."""
    value = (value or "").strip()
    for kind, pattern in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == MONTH:
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            return of_kind(MONTH, date(year, month, 1))
        if kind == QUARTER:
            return of_kind(QUARTER, date(year, (int(match.group(2)) - 1) * 3 + 1, 1))
        return of_kind(YEAR, date(year, 1, 1))
    raise ValidationError(_("Give the period as a month (2026-07), a quarter (2026-Q3) or a year (2026)."))
