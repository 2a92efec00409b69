"""Deposits (e.g. the decoration deposit): received with a receipt, refunded once minus deductions.

The lifecycle app calls these when a decoration application is recorded and when it is settled;
the permission to settle is the caller's rule (the decoration's table), the estate is checked here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import House
from estates.scoping import user_can_reach

from fees.models import Deposit, DepositDeduction, Payment, money
from fees.services.common import ZERO, _as_amount, _set_history_user
from fees.services.payments import _next_receipt_no


@dataclass
class Deduction:
    reason: str
    amount: Decimal


def _reach(by, obj) -> None:
    if by is not None and not user_can_reach(by, obj):
        raise PermissionDenied(_("You may not do this in this estate."))


@transaction.atomic
def deposit_receive(*, house: House, amount, by, method: str = Payment.Method.CASH, payer: str = "",
                    purpose: str = Deposit.Purpose.DECORATION, received_at: dt.datetime | None = None) -> Deposit:
    """Record a deposit received for ``house`` and give it the estate's next receipt number."""
    _reach(by, house)
    amount = _as_amount(amount)
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose how the money was paid.")})
    estate = house.building.estate
    deposit = Deposit(
        estate=estate, house=house, purpose=purpose, amount=amount, receipt_no=_next_receipt_no(estate),
        method=method, payer=payer.strip()[:100], received_at=received_at or timezone.now(), received_by=by,
    )
    _set_history_user(deposit, by, "received")
    deposit.save()
    return deposit


@transaction.atomic
def deposit_refund(*, deposit: Deposit, deductions: list[Deduction], by, now: dt.datetime | None = None) -> Deposit:
    """Refund the deposit minus ``deductions`` (each with a reason). Once only."""
    _reach(by, deposit)
    deposit = Deposit.objects.select_for_update().select_related("estate").get(pk=deposit.pk)
    if deposit.refunded_at is not None:
        raise ValidationError(_("This deposit has already been refunded."))
    total = ZERO
    rows = []
    for deduction in deductions:
        reason = (deduction.reason or "").strip()
        if not reason:
            raise ValidationError({"deductions": _("Give the reason of every deduction.")})
        amount = _as_amount(deduction.amount, field_name="deductions")
        total += amount
        rows.append(DepositDeduction(deposit=deposit, reason=reason[:200], amount=amount))
    if total > deposit.amount:
        raise ValidationError({"deductions": _(
            "The deductions (¥%(total)s) are more than the deposit (¥%(amount)s)."
        ) % {"total": total, "amount": deposit.amount}})
    DepositDeduction.objects.bulk_create(rows)
    deposit.refunded_amount = money(deposit.amount - total)
    deposit.refunded_at = now or timezone.now()
    deposit.refunded_by = by
    _set_history_user(deposit, by, "refunded")
    deposit.save(update_fields=["refunded_amount", "refunded_at", "refunded_by"])
    return deposit
