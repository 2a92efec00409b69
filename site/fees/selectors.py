"""Reads of the fees app: a house's fee history, the collection rate, the amount in words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Sum
from estates.scoping import scope_queryset

from fees.models import ArrearsCase, Bill, ChasingStep, Payment, PaymentAllocation, period_label


def house_fee_history(house) -> dict:
    bills = list(Bill.objects.filter(house=house).select_related("fee_item").order_by("-period", "fee_item__name"))
    payments = list(
        Payment.objects.filter(house=house).select_related("operator", "reversed_by", "estate")
        .prefetch_related(Prefetch("allocations", PaymentAllocation.objects.select_related("bill__fee_item")))
        .order_by("-paid_at", "-receipt_no")
    )
    steps = list(ChasingStep.objects.filter(house=house).select_related("by").order_by("-done_at", "-pk"))
    billed = sum((b.amount for b in bills), Decimal("0.00"))
    paid = sum((b.paid for b in bills), Decimal("0.00"))
    return {
        "bills": bills,
        "payments": payments,
        "steps": steps,
        "case": ArrearsCase.objects.filter(house=house).first(),
        "billed": billed,
        "paid": paid,
        "outstanding": billed - paid,
        "credit": sum((p.credit for p in payments if not p.is_reversed), Decimal("0.00")),
    }


def collection_rates(
    *, user, estate=None, year: int | None = None, start: date | None = None, end: date | None = None,
) -> list[dict]:
    """Per estate and month: billed, paid so far against those bills, and the rate (paid/billed).
    ``start`` ≤ period < ``end`` narrows to a range of months (the scorecard's quarters and years)."""
    bills = scope_queryset(Bill.objects.all(), user)
    if estate is not None:
        bills = bills.filter(estate=estate)
    if year:
        bills = bills.filter(period__year=year)
    if start is not None:
        bills = bills.filter(period__gte=start)
    if end is not None:
        bills = bills.filter(period__lt=end)
    rows = (
        bills.values("estate_id", "estate__name", "estate__code", "period")
        .annotate(billed=Sum("amount"), paid=Sum("paid"))
        .order_by("estate__code", "-period")
    )
    result = []
    for row in rows:
        billed, paid = row["billed"] or Decimal("0"), row["paid"] or Decimal("0")
        rate = (paid / billed * 100).quantize(Decimal("0.1")) if billed else Decimal("0")
        result.append({
            "estate": row["estate__name"], "estate_id": row["estate_id"], "period": period_label(row["period"]), "billed": billed,
            "paid": paid, "outstanding": billed - paid, "rate": rate,
        })
    return result


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def rmb_in_words(amount: Decimal) -> str:
    """¥1234.50 → 壹仟贰佰叁拾肆元伍角整 (the amount in capitals printed on receipts)."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < 0:
        return "负" + rmb_in_words(-amount)
    yuan = int(amount)
    jiao, fen = int(amount * 10) % 10, int(amount * 100) % 10
    words = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        parts = []
        zero_pending = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                zero_pending = bool(parts)
                continue
            text = ""
            digits = f"{group:04d}"
            for pos, ch in enumerate(digits):
                d = int(ch)
                unit = _UNITS[3 - pos]
                if d == 0:
                    if text or parts:
                        zero_pending = True
                    continue
                if zero_pending and (text or parts):
                    text += "零"
                zero_pending = False
                text += _DIGITS[d] + unit
            parts.append(text + _BIG[index])
            zero_pending = group % 10 == 0
        words = "".join(parts) + "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    else:
        words += "整"
    return words
