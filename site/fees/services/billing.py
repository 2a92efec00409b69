"""Bills and meter readings."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate, House

from fees import bulk
from fees.models import (
    Bill,
    FeeItem,
    FeeRun,
    MeterReading,
    money,
    period_label,
)
from fees.services.arrears import notices_record
from fees.services.common import BATCH, ZERO, _require, month_start
from fees.services.payments import credit_apply_estate

logger = logging.getLogger(__name__)


# --- bills ----------------------------------------------------------------------------------
def _quantities(item: FeeItem, period: dt.date, houses: list[tuple]) -> dict[int, Decimal]:
    if item.basis == FeeItem.Basis.METERED:
        return {
            house_id: reading - previous
            for house_id, reading, previous in MeterReading.objects.filter(fee_item=item, period=period)
            .values_list("house_id", "reading", "previous")
        }
    wanted = item.applies_to_use
    if item.basis == FeeItem.Basis.AREA:
        return {hid: area for hid, area, use in houses if not wanted or use == wanted}
    return {hid: Decimal(1) for hid, area, use in houses if not wanted or use == wanted}


def bills_issue(*, estate: Estate, period: dt.date, by=None) -> int:
    """Issue the period's bills of every active fee item. Running it again adds nothing."""
    _require(by, "fees.add_bill", estate)
    period = month_start(period)
    created = 0
    with transaction.atomic():
        run, _ = FeeRun.objects.get_or_create(estate=estate, period=period)
        # Two runs for the same estate and month queue here instead of racing.
        run = FeeRun.objects.select_for_update().get(pk=run.pk)
        houses = list(House.objects.filter(building__estate=estate).values_list("id", "area", "use"))
        for item in FeeItem.objects.filter(estate=estate, active=True):
            if not item.billed_in(period):
                continue
            rate = item.rate_on(period)
            if rate is None:
                logger.warning("fee item %s has no rate for %s: not billed", item.pk, period)
                continue
            existing = set(Bill.objects.filter(fee_item=item, period=period).values_list("house_id", flat=True))
            months = 1 if item.basis == FeeItem.Basis.METERED else item.cycle
            due = period + dt.timedelta(days=item.days_to_pay)
            issued_at = timezone.now()
            bills = []
            for house_id, quantity in _quantities(item, period, houses).items():
                if house_id in existing:
                    continue
                amount = money(rate.amount * quantity * months)
                if amount <= 0:
                    continue
                bills.append({
                    "estate_id": estate.pk, "house_id": house_id, "fee_item_id": item.pk, "period": period,
                    "quantity": quantity, "rate": rate.amount, "months": months, "amount": amount,
                    "paid": ZERO, "due_date": due, "issued_at": issued_at,
                })
            bulk.insert_rows(Bill, bills)
            bulk.copy_history(
                Bill, where="b.fee_item_id = %s AND b.period = %s AND b.issued_at = %s",
                params=[item.pk, connection.ops.adapt_datefield_value(period),
                        connection.ops.adapt_datetimefield_value(issued_at)],
                user=by, reason="issued", when=issued_at,
            )
            created += len(bills)
        run.bills_issued_at = timezone.now()
        run.bills_count += created
        run.save(update_fields=["bills_issued_at", "bills_count"])
    if created:
        credit_apply_estate(estate=estate, by=by)
        notices_record(estate=estate, period=period)
    return created


# --- meter readings -------------------------------------------------------------------------
@dataclass
class ReadingRow:
    line: int
    house: House
    previous: Decimal
    reading: Decimal


@transaction.atomic
def meter_readings_save(*, fee_item: FeeItem, period: dt.date, rows: list[ReadingRow], by) -> int:
    """Store validated readings (all or nothing); a reading already stored is replaced only
    while its period is not billed yet."""
    _require(by, "fees.add_meterreading", fee_item)
    period = month_start(period)
    if fee_item.basis != FeeItem.Basis.METERED:
        raise ValidationError(_("%(item)s is not charged by meter readings.") % {"item": fee_item.name})
    if Bill.objects.filter(fee_item=fee_item, period=period).exists():
        raise ValidationError(
            _("%(item)s has already been billed for %(period)s; its readings can no longer change.")
            % {"item": fee_item.name, "period": period_label(period)}
        )
    MeterReading.objects.filter(fee_item=fee_item, period=period, house__in=[r.house for r in rows]).delete()
    MeterReading.objects.bulk_create([
        MeterReading(house=r.house, fee_item=fee_item, period=period, previous=r.previous, reading=r.reading, imported_by=by)
        for r in rows
    ], batch_size=BATCH)
    return len(rows)
