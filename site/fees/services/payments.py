"""Payments, receipts, reversals and credit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate, House

from fees.models import (
    Bill,
    Payment,
    PaymentAllocation,
    ReceiptCounter,
)
from fees.services.arrears import arrears_case_refresh
from fees.services.common import ZERO, _as_amount, _require, _set_history_user


# --- payments -------------------------------------------------------------------------------
def _next_receipt_no(estate: Estate) -> int:
    ReceiptCounter.objects.get_or_create(estate=estate)
    counter = ReceiptCounter.objects.select_for_update().get(estate=estate)
    counter.last_no += 1
    counter.save(update_fields=["last_no"])
    return counter.last_no


def _allocate(*, payment: Payment, bills: list[Bill], amount: Decimal, by) -> Decimal:
    """Settle ``bills`` (locked, in order) from ``amount``; returns what is left."""
    left = amount
    for bill in bills:
        if left <= 0:
            break
        part = min(left, bill.outstanding)
        if part <= 0:
            continue
        allocation, created = PaymentAllocation.objects.get_or_create(
            payment=payment, bill=bill, defaults={"amount": part}
        )
        if not created:
            allocation.amount += part
            allocation.save(update_fields=["amount"])
        bill.paid += part
        _set_history_user(bill, by, _("paid, receipt %(no)s") % {"no": payment.receipt_number})
        bill.save(update_fields=["paid"])
        left -= part
    return left


def payment_record(
    *, house: House, amount, method: str, by, paid_at: dt.datetime | None = None,
    bills: list[Bill] | None = None, keep_rest_as_credit: bool = False,
    payer: str = "", reference: str = "", note: str = "",
) -> Payment:
    """Record money received for a house and settle its bills, oldest first.

    ``bills``: the bills the payer settles (default: every outstanding bill of the house). Paying
    more than they owe is refused unless ``keep_rest_as_credit`` says to keep the rest as a
    prepayment, which settles the house's next bills when they are issued.
    """
    _require(by, "fees.add_payment", house)
    amount = _as_amount(amount)
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose how the money was paid.")})
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"paid_at": _("The payment time cannot be in the future.")})
    estate = house.building.estate
    with transaction.atomic():
        if bills is None:
            chosen = Bill.objects.filter(house=house, paid__lt=F("amount"))
        else:
            ids = [b.pk for b in bills]
            foreign = Bill.objects.filter(pk__in=ids).exclude(estate=estate)
            if foreign.exists():
                raise ValidationError({"bills": _("A bill of another estate cannot be paid here; nothing was recorded.")})
            if Bill.objects.filter(pk__in=ids).exclude(house=house).exists():
                raise ValidationError({"bills": _("Only this house's bills can be settled by this payment.")})
            chosen = Bill.objects.filter(pk__in=ids)
        locked = list(chosen.select_for_update().select_related("fee_item").order_by("period", "due_date", "pk"))
        owed = sum((b.outstanding for b in locked), ZERO)
        if bills is not None and any(b.outstanding <= 0 for b in locked):
            raise ValidationError({"bills": _("One of the chosen bills is already paid.")})
        if amount > owed and not keep_rest_as_credit:
            raise ValidationError({"amount": _(
                "The payment (¥%(amount)s) is more than the ¥%(owed)s owed on the chosen bills. "
                "Lower the amount, or tick “keep the rest as credit” to keep ¥%(rest)s for the next bills."
            ) % {"amount": amount, "owed": owed, "rest": amount - owed}})
        receipt_no = _next_receipt_no(estate)
        payment = Payment(
            estate=estate, house=house, receipt_no=receipt_no, amount=amount, method=method,
            paid_at=paid_at, payer=payer.strip()[:100], reference=reference.strip()[:100],
            note=note.strip()[:255], operator=by,
        )
        _set_history_user(payment, by, "recorded")
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:
            raise ValidationError({"receipt_no": _(
                "Receipt number %(no)s is already used in this estate; nothing was recorded. "
                "Ask an administrator to check the receipt counter."
            ) % {"no": f"{estate.code}-{receipt_no:08d}"}}) from None
        rest = _allocate(payment=payment, bills=locked, amount=amount, by=by)
        if rest > 0:
            payment.credit = rest
            _set_history_user(payment, by, "credit kept")
            payment.save(update_fields=["credit"])
        arrears_case_refresh(house=house)
    return payment


def payment_reverse(*, payment: Payment, reason: str, by) -> Payment:
    """Undo a payment: its bills owe again; the payment stays, marked reversed, with the reason."""
    _require(by, "fees.reverse_payment", payment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("estate").get(pk=payment.pk)
        if payment.reversed_at is not None:
            raise ValidationError(_("This payment has already been reversed."))
        allocations = list(payment.allocations.all())
        bills = {b.pk: b for b in Bill.objects.select_for_update().filter(pk__in=[a.bill_id for a in allocations])}
        for allocation in allocations:
            bill = bills[allocation.bill_id]
            bill.paid -= allocation.amount
            _set_history_user(bill, by, _("payment %(no)s reversed") % {"no": payment.receipt_number})
            bill.save(update_fields=["paid"])
        payment.reversed_at = timezone.now()
        payment.reversed_by = by
        payment.reversal_reason = reason[:255]
        _set_history_user(payment, by, "reversed")
        payment.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        arrears_case_refresh(house=payment.house)
    return payment


def credit_apply(*, house: House, by=None) -> Decimal:
    """Settle a house's outstanding bills from the credit kept on its earlier payments."""
    applied = ZERO
    with transaction.atomic():
        payments = list(
            Payment.objects.select_for_update().select_related("estate")
            .filter(house=house, credit__gt=0, reversed_at__isnull=True).order_by("paid_at", "pk")
        )
        if not payments:
            return applied
        bills = list(Bill.objects.select_for_update().filter(house=house, paid__lt=F("amount")).order_by("period", "due_date", "pk"))
        for payment in payments:
            rest = _allocate(payment=payment, bills=bills, amount=payment.credit, by=by)
            if rest != payment.credit:
                applied += payment.credit - rest
                payment.credit = rest
                _set_history_user(payment, by, "credit applied")
                payment.save(update_fields=["credit"])
        if applied:
            arrears_case_refresh(house=house)
    return applied


def credit_apply_estate(*, estate: Estate, by=None) -> Decimal:
    house_ids = (
        Payment.objects.filter(estate=estate, credit__gt=0, reversed_at__isnull=True)
        .values_list("house_id", flat=True).distinct()
    )
    total = ZERO
    for house in House.objects.filter(pk__in=list(house_ids)).select_related("building__estate"):
        total += credit_apply(house=house, by=by)
    return total
