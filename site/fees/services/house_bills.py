"""The first bills of one house (at move-in): the period's bills of every active fee item for that
house alone, by the same rules as the estate's monthly run. Issuing again adds nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import House
from estates.scoping import user_can_reach

from fees.models import Bill, FeeItem, money
from fees.services.arrears import arrears_case_refresh
from fees.services.billing import _quantities
from fees.services.common import ZERO, _set_history_user, month_start
from fees.services.payments import credit_apply


@transaction.atomic
def house_bills_issue(*, house: House, period: dt.date, by) -> int:
    """Issue ``house``'s bills of ``period`` (its month); returns how many were created."""
    if by is not None and not user_can_reach(by, house):
        raise PermissionDenied(_("You may not do this in this estate."))
    estate = house.building.estate
    period = month_start(period)
    rows = [(house.pk, house.area, house.use)]
    created = 0
    for item in FeeItem.objects.filter(estate=estate, active=True):
        if not item.billed_in(period):
            continue
        rate = item.rate_on(period)
        quantity = _quantities(item, period, rows).get(house.pk)
        if rate is None or quantity is None:
            continue
        if Bill.objects.filter(house=house, fee_item=item, period=period).exists():
            continue
        months = 1 if item.basis == FeeItem.Basis.METERED else item.cycle
        amount = money(rate.amount * quantity * months)
        if amount <= 0:
            continue
        bill = Bill(
            estate=estate, house=house, fee_item=item, period=period, quantity=quantity, rate=rate.amount,
            months=months, amount=amount, paid=ZERO, due_date=period + dt.timedelta(days=item.days_to_pay),
            issued_at=timezone.now(),
        )
        _set_history_user(bill, by, "issued")
        bill.save()
        created += 1
    if created:
        credit_apply(house=house, by=by)
        arrears_case_refresh(house=house)
    return created
