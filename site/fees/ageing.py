"""The ageing report (账龄分析): what is overdue, in buckets of how long past its due date, per
house and per fee item, with totals and the share of the year's billing.

A bill's age is counted from its due date to the report date, in whole months: ≤ 1 month,
1–3, 3–6, 6–12 and > 12 months (each bucket holds its upper bound: a bill exactly 3 months past
due is in 1–3). One SQL aggregate per view: ``SUM(CASE WHEN due_date >= cut THEN amount - paid
END)`` per bucket, grouped by house (joined to its labels after grouping) or by fee item; the
cuts are dates computed once in Python, so the database compares dates and never computes an
age per row. The year's billing is a second, indexed aggregate.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _
from estates.models import Building, House

from fees.models import Bill, money

ZERO = Decimal("0.00")
#: (key, label, upper bound in months): a bill belongs to the first bucket whose bound it is within.
BUCKETS = (
    ("m1", _("≤ 1 month"), 1),
    ("m3", _("1–3 months"), 3),
    ("m6", _("3–6 months"), 6),
    ("m12", _("6–12 months"), 12),
    ("older", _("> 12 months"), None),
)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the last day of a shorter month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _bucket_sums(as_of: dt.date) -> dict:
    """One conditional SUM per bucket. A bill due on the cut date is exactly N months old: inside."""
    owed = F("amount") - F("paid")
    sums, newer = {}, None
    for key, _label, months in BUCKETS:
        cut = months_before(as_of, months) if months else None
        condition = Q(due_date__gte=cut) if cut else Q()
        if newer is not None:
            condition &= Q(due_date__lt=newer)
        sums[key] = Sum(
            Case(When(condition, then=owed), default=Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))
        )
        newer = cut
    sums["total"] = Sum(owed)
    return sums


@dataclass
class AgeingReport:
    as_of: dt.date
    by: str
    rows: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    billed_this_year: Decimal = ZERO

    @property
    def share_of_year(self) -> Decimal | None:
        """Arrears as a share (%) of what was billed in the report's year."""
        if not self.billed_this_year:
            return None
        return (self.totals["total"] / self.billed_this_year * 100).quantize(Decimal("0.1"))

    @property
    def buckets(self):
        return BUCKETS


def ageing_report(*, estate, as_of: dt.date, by: str = "house", building=None) -> AgeingReport:
    """Overdue and unpaid bills of an estate (or one building) on ``as_of``, aged.

    ``by="house"``: one row per house (building, unit, room); ``by="item"``: one row per fee item.
    """
    if by not in ("house", "item"):
        raise ValueError(by)
    bills = Bill.objects.filter(estate=estate, due_date__lt=as_of, paid__lt=F("amount"))
    year_bills = Bill.objects.filter(estate=estate, period__year=as_of.year)
    if building is not None:
        bills = bills.filter(house__building=building)
        year_bills = year_bills.filter(house__building=building)
    sums = _bucket_sums(as_of)
    if by == "house":
        rows = _by_house(bills, sums)
    else:
        rows = list(bills.values("fee_item_id", "fee_item__name").annotate(**sums).order_by("fee_item__name"))
    totals = {key: sum((r[key] or ZERO for r in rows), ZERO) for key in [*(b[0] for b in BUCKETS), "total"]}
    for row in rows:
        for key in totals:
            row[key] = row[key] or ZERO
    billed = year_bills.aggregate(s=Sum("amount"))["s"] or ZERO
    return AgeingReport(as_of=as_of, by=by, rows=rows, totals=totals, billed_this_year=billed)


def _by_house(bills, sums) -> list[dict]:
    """The aggregate grouped by house id only, then joined to the house and building labels and
    sorted, in the same statement: the join touches one row per owing house, not one per bill."""
    sql, params = bills.values("house_id").annotate(**sums).order_by().query.sql_with_params()
    house, building = House._meta.db_table, Building._meta.db_table
    keys = [*(b[0] for b in BUCKETS), "total"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.name, h.unit, h.room, a.house_id, {', '.join('a.' + k for k in keys)} "
            f"FROM ({sql}) a JOIN {house} h ON h.id = a.house_id JOIN {building} b ON b.id = h.building_id "
            "ORDER BY b.name, h.unit, h.room, a.house_id",
            params,
        )
        result = cursor.fetchall()
    rows = []
    for name, unit, room, house_id, *amounts in result:
        row = {"building": name, "unit": unit or "", "room": room, "house_id": house_id}
        # SQLite sums decimals as floats: back to the cent.
        row.update((k, v if isinstance(v, Decimal) else money(v or 0)) for k, v in zip(keys, amounts, strict=True))
        rows.append(row)
    return rows


def building_totals(report: AgeingReport) -> list[dict]:
    """Per building subtotals of a by-house report (for the screen and the workbook)."""
    keys = [*(b[0] for b in BUCKETS), "total"]
    result: dict[str, dict] = {}
    for row in report.rows:
        entry = result.setdefault(row["building"], {"building": row["building"], "houses": 0, **{k: ZERO for k in keys}})
        entry["houses"] += 1
        for key in keys:
            entry[key] += row[key]
    return list(result.values())
