"""Fee items and rates: the rate rules and the fee standards text (收费公示)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate

from fees.models import (
    Bill,
    FeeItem,
    FeeRate,
    period_label,
)
from fees.services.common import _require, add_months, month_start


# --- fee items and rates --------------------------------------------------------------------
def fee_rate_validate(*, fee_item: FeeItem, valid_from: dt.date, amount=None, instance: FeeRate | None = None) -> None:
    """A rate may not reach back over bills already issued (old bills keep their rate)."""
    if amount is not None and Decimal(amount) < 0:
        raise ValidationError({"amount": _("A rate cannot be negative.")})
    starts = [valid_from]
    if instance is not None and instance.pk:
        starts.append(instance.valid_from)  # moving or changing a rate touches both dates
    first_month = month_start(min(starts))
    last = Bill.objects.filter(fee_item=fee_item, period__gte=first_month).aggregate(last=Max("period"))["last"]
    if last is not None:
        raise ValidationError({
            "valid_from": _(
                "Bills of %(item)s have already been issued up to %(period)s at the old rate. "
                "A new rate can apply from %(earliest)s at the earliest; issued bills keep their rate."
            ) % {"item": fee_item.name, "period": period_label(last), "earliest": add_months(last, 1).isoformat()}
        })
    clash = FeeRate.objects.filter(fee_item=fee_item, valid_from=valid_from)
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"valid_from": _("This fee item already has a rate from that date.")})


@transaction.atomic
def fee_rate_create(*, fee_item: FeeItem, amount, valid_from: dt.date, note: str = "", by) -> FeeRate:
    _require(by, "fees.add_feerate", fee_item)
    amount = Decimal(str(amount))
    fee_rate_validate(fee_item=fee_item, valid_from=valid_from, amount=amount)
    return FeeRate.objects.create(fee_item=fee_item, amount=amount, valid_from=valid_from, note=note)


def fee_standards_text(*, estate: Estate, on: dt.date | None = None) -> str:
    """The fee standards (收费公示) as text, ready to be published as a bulletin notice."""
    on = on or timezone.localdate()
    items = []
    for item in estate.fee_items.filter(active=True).order_by("kind", "name"):
        rate = item.rate_on(on)
        if rate is not None:
            items.append({"item": item, "rate": rate})
    return render_to_string("fees/fee_standards.txt", {"estate": estate, "items": items, "on": on}).strip()
