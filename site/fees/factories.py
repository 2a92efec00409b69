"""factory_boy factories of every fees model (tests and demo data)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from estates.factories import EstateFactory, HouseFactory, UserFactory

from fees.models import (
    ArrearsCase,
    Bill,
    ChasingStep,
    Deposit,
    DepositDeduction,
    FeeItem,
    FeeRate,
    FeeRun,
    MeterReading,
    Payment,
    PaymentAllocation,
    ReceiptCounter,
    Step,
)
from fees.models.invoices import InvoiceRequest
from fees.models.letters import ArrearsLetter, LetterKind, LetterTemplate
from fees.models.watch import HouseWatch


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"物业服务费{n}")
    kind = FeeItem.Kind.PROPERTY
    basis = FeeItem.Basis.AREA
    unit_label = "m²"
    cycle = FeeItem.Cycle.MONTHLY
    days_to_pay = 15


class FeeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRate

    fee_item = factory.SubFactory(FeeItemFactory)
    amount = Decimal("2.5000")
    valid_from = dt.date(2020, 1, 1)


class MeterReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterReading

    house = factory.SubFactory(HouseFactory)
    fee_item = factory.SubFactory(
        FeeItemFactory, estate=factory.SelfAttribute("..house.building.estate"),
        kind=FeeItem.Kind.WATER, basis=FeeItem.Basis.METERED, unit_label="吨",
    )
    period = dt.date(2026, 1, 1)
    previous = Decimal("100.00")
    reading = Decimal("112.50")


class FeeRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRun

    estate = factory.SubFactory(EstateFactory)
    period = dt.date(2026, 1, 1)


class BillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bill

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda b: b.house.building.estate)
    fee_item = factory.SubFactory(FeeItemFactory, estate=factory.SelfAttribute("..estate"))
    period = dt.date(2026, 1, 1)
    quantity = Decimal("100.00")
    rate = Decimal("2.5000")
    months = 1
    amount = Decimal("250.00")
    due_date = factory.LazyAttribute(lambda b: b.period + dt.timedelta(days=15))


class ReceiptCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceiptCounter
        django_get_or_create = ("estate",)

    estate = factory.SubFactory(EstateFactory)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda p: p.house.building.estate)
    receipt_no = factory.Sequence(lambda n: n + 1)
    amount = Decimal("100.00")
    method = Payment.Method.CASH
    paid_at = factory.LazyFunction(timezone.now)
    operator = factory.SubFactory(UserFactory)


class PaymentAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentAllocation

    payment = factory.SubFactory(PaymentFactory)
    bill = factory.SubFactory(
        BillFactory, house=factory.SelfAttribute("..payment.house"), amount=Decimal("250.00"),
    )
    amount = Decimal("100.00")


class ArrearsCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArrearsCase

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda c: c.house.building.estate)
    amount = Decimal("500.00")
    months = 2
    contact_name = "张三"
    contact_mobile = "13800138000"


class ChasingStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChasingStep

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda s: s.house.building.estate)
    step = Step.CALL
    period = dt.date(2026, 1, 1)
    status = ChasingStep.Status.DONE
    outcome = ChasingStep.Outcome.PROMISED
    done_at = factory.LazyFunction(timezone.now)


# --- the fee desk's paperwork and watch list -------------------------------------------------
class InvoiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceRequest

    payment = factory.SubFactory(PaymentFactory)
    estate = factory.LazyAttribute(lambda i: i.payment.estate)
    buyer_type = InvoiceRequest.BuyerType.PERSONAL
    title = "张三"
    amount = factory.LazyAttribute(lambda i: i.payment.amount)
    requested_at = factory.LazyFunction(timezone.now)


class LetterTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterTemplate
        django_get_or_create = ("estate", "kind")

    estate = factory.SubFactory(EstateFactory)
    kind = LetterKind.NOTICE
    letterhead = "和悦物业服务有限公司"
    letterhead_detail = "客服中心 电话 021-12345678"
    title = "催缴通知书"
    body = "{owner}：您名下{house}欠费{amount}元（大写：{amount_in_words}），请于{deadline}前缴清。"
    signature = "和悦物业客服中心"


class ArrearsLetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArrearsLetter

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda letter: letter.house.building.estate)
    kind = LetterKind.NOTICE
    year = 2026
    seq = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda letter: f"{letter.estate.code}-CJ-{letter.year}-{letter.seq:04d}")
    amount = Decimal("750.00")
    months = 3
    owner = "张三"
    pdf = factory.django.FileField(filename="letter.pdf", data=b"%PDF-1.4\n%%EOF\n")
    created_at = factory.LazyFunction(timezone.now)


class HouseWatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseWatch

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda w: w.house.building.estate)
    started_at = factory.LazyFunction(timezone.now)
    owners = "张三"


class DepositFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deposit

    house = factory.SubFactory(HouseFactory)
    estate = factory.LazyAttribute(lambda d: d.house.building.estate)
    amount = Decimal("2000.00")
    receipt_no = factory.Sequence(lambda n: 900000 + n)
    received_at = factory.LazyFunction(timezone.now)


class DepositDeductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepositDeduction

    deposit = factory.SubFactory(DepositFactory)
    reason = "公共走道墙面损坏修复"
    amount = Decimal("300.00")
