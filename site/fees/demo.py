"""Demo fees: fee items per estate, six months of bills, payments from most households and a
few in arrears, so the arrears board and the collection rate have something to show."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from estates import roles
from estates.models import House

from fees import invoices, letters, services, watch
from fees.models import ArrearsCase, Bill, FeeItem, FeeRate, Payment
from fees.models.letters import LetterKind, LetterTemplate

RATES = {"HYY": Decimal("2.50"), "JHY": Decimal("2.20")}


def _operator(estate):
    User = get_user_model()
    return (
        User.objects.filter(estate_memberships__estate=estate, groups__name=roles.CLERK).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def load(*, estates, seed):
    rng = random.Random(seed + 7)
    today = timezone.localdate()
    periods = [services.add_months(today.replace(day=1), -i) for i in range(5, -1, -1)]
    start = services.add_months(periods[0], -12)
    for estate in estates:
        items = [
            FeeItem(estate=estate, name="物业服务费", kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA,
                    unit_label="m²", applies_to_use=House.Use.RESIDENTIAL, basis_note="沪价房〔2024〕12号"),
            FeeItem(estate=estate, name="停车费", kind=FeeItem.Kind.PARKING, basis=FeeItem.Basis.FIXED,
                    unit_label="车位", applies_to_use=House.Use.PARKING),
            FeeItem(estate=estate, name="水费", kind=FeeItem.Kind.WATER, basis=FeeItem.Basis.METERED, unit_label="吨"),
        ]
        FeeItem.objects.bulk_create(items)
        FeeRate.objects.bulk_create([
            FeeRate(fee_item=items[0], amount=RATES.get(estate.code, Decimal("2.00")), valid_from=start),
            FeeRate(fee_item=items[1], amount=Decimal("300"), valid_from=start),
            FeeRate(fee_item=items[2], amount=Decimal("3.45"), valid_from=start),
        ])
        for period in periods:
            services.bills_issue(estate=estate, period=period)
        operator = _operator(estate)
        houses = list(House.objects.filter(building__estate=estate).select_related("building__estate").order_by("pk"))
        for house in houses:
            bills = list(Bill.objects.filter(house=house).order_by("period"))
            if not bills:
                continue
            roll = rng.random()
            # 75 % paid up, 15 % one or two months behind, 10 % far behind (3 to 6 months).
            unpaid = 0 if roll < 0.75 else rng.randint(1, 2) if roll < 0.90 else rng.randint(3, 6)
            paid_bills = bills[: max(len(bills) - unpaid, 0)]
            if not paid_bills:
                continue
            # Recent bills not yet due are often still open, as in real life.
            amount = sum((b.amount for b in paid_bills), Decimal("0"))
            paid_at = timezone.make_aware(dt.datetime.combine(paid_bills[-1].due_date, dt.time(10, rng.randint(0, 59))))
            services.payment_record(
                house=house, amount=amount, by=operator, bills=paid_bills,
                method=rng.choice(["wechat", "wechat", "alipay", "bank", "cash"]),
                paid_at=min(paid_at, timezone.now()),
            )
        services.arrears_sweep(estate=estate, today=today)
        services.steps_deliver(estate=estate)
    load_desk(estates=estates, seed=seed)


def load_desk(*, estates, seed):
    """The fee desk's paperwork: letter templates per estate, an invoice requested and one issued,
    a printed arrears notice, and the watch list started."""
    rng = random.Random(seed + 20)
    for estate in estates:
        for kind in LetterKind.values:
            wording = letters.DEFAULTS[kind]
            LetterTemplate.objects.get_or_create(estate=estate, kind=kind, defaults={
                "letterhead": f"{estate.name}物业服务中心", "letterhead_detail": estate.address or "客服中心",
                "title": wording["title"], "body": wording["body"], "signature": f"{estate.name}物业服务中心",
            })
        operator = _operator(estate)
        payments = list(Payment.objects.filter(estate=estate, reversed_at__isnull=True).order_by("pk")[:2])
        if operator is not None and len(payments) == 2:
            invoices.invoice_request(payment=payments[0], buyer_type="personal", title=payments[0].payer or "业主",
                                     by=operator)
            issued = invoices.invoice_request(
                payment=payments[1], buyer_type="company", title="上海和悦贸易有限公司",
                tax_number="91310000MA1FL4CT2Q", by=operator,
            )
            invoices.invoice_transition(invoice=issued, action="issue", invoice_no=f"2631{rng.randint(10**15, 10**16 - 1)}",
                                        invoice_date=timezone.localdate(), by=operator)
        behind = ArrearsCase.objects.filter(estate=estate, amount__gt=0).order_by("-months").first()
        if behind is not None and operator is not None and operator.has_perm(letters.PERMISSION[LetterKind.NOTICE]):
            letters.letter_issue(house=behind.house, kind=LetterKind.NOTICE, by=operator)
        watch.watch_sweep(estate=estate)
