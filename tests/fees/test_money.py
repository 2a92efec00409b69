"""Bills, rates, payments, receipts, reversals, credit; bad input; the reconciliation property."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from estates.models import House
from fees import services
from fees.factories import BillFactory, FeeItemFactory, FeeRateFactory, MeterReadingFactory
from fees.models import Bill, FeeItem, FeeRate, Payment, PaymentAllocation, ReceiptCounter, money
from fees.selectors import rmb_in_words

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def test_bills_per_fee_item_use_and_cycle_and_a_second_run_adds_nothing(estate_a, property_fee, parking_fee, make_house):
    flat = make_house(area="89.50")
    space = make_house(area="12.00", use=House.Use.PARKING)
    quarterly = FeeItemFactory(estate=estate_a, name="垃圾清运费", basis=FeeItem.Basis.FIXED, cycle=3)
    FeeRateFactory(fee_item=quarterly, amount=Decimal("10.005"), valid_from=dt.date(2025, 1, 1))
    assert services.bills_issue(estate=estate_a, period=JAN) == 4
    assert services.bills_issue(estate=estate_a, period=dt.date(2026, 1, 15)) == 0  # same month
    bills = {(b.house_id, b.fee_item.name): b for b in Bill.objects.select_related("fee_item")}
    assert bills[(flat.pk, "物业服务费")].amount == Decimal("223.75")  # 89.50 m² × ¥2.50
    assert bills[(space.pk, "停车费")].amount == Decimal("300.00")
    assert (flat.pk, "停车费") not in bills and (space.pk, "物业服务费") not in bills
    assert bills[(flat.pk, "垃圾清运费")].amount == Decimal("30.02")  # 10.005 × 3 months, half up
    assert bills[(flat.pk, "物业服务费")].due_date == dt.date(2026, 1, 16)
    assert services.bills_issue(estate=estate_a, period=FEB) == 2  # the quarterly item waits for April
    assert Bill.history.filter(history_type="+").count() == 6


def test_metered_item_bills_the_imported_consumption(estate_a, make_house):
    house = make_house()
    water = FeeItemFactory(estate=estate_a, name="水费", kind=FeeItem.Kind.WATER, basis=FeeItem.Basis.METERED)
    FeeRateFactory(fee_item=water, amount=Decimal("3.4500"), valid_from=dt.date(2020, 1, 1))
    MeterReadingFactory(house=house, fee_item=water, period=JAN, previous=Decimal("100"), reading=Decimal("112.5"))
    make_house()  # no reading: no water bill
    assert services.bills_issue(estate=estate_a, period=JAN) == 1
    bill = Bill.objects.get()
    assert (bill.quantity, bill.amount) == (Decimal("12.50"), Decimal("43.13"))


def test_a_new_rate_applies_to_new_bills_only_and_cannot_reach_back(estate_a, property_fee, make_house, supervisor_a):
    make_house(area="100.00")
    services.bills_issue(estate=estate_a, period=JAN)
    services.bills_issue(estate=estate_a, period=FEB)
    with pytest.raises(ValidationError) as exc:
        services.fee_rate_create(fee_item=property_fee, amount="2.80", valid_from=dt.date(2026, 2, 10), by=supervisor_a)
    assert "2026-02" in str(exc.value) and "2026-03-01" in str(exc.value)
    assert FeeRate.objects.filter(fee_item=property_fee).count() == 1
    services.fee_rate_create(fee_item=property_fee, amount="2.80", valid_from=MAR, by=supervisor_a)
    services.bills_issue(estate=estate_a, period=MAR)
    assert list(Bill.objects.order_by("period").values_list("amount", flat=True)) == [
        Decimal("250.00"), Decimal("250.00"), Decimal("280.00")]


def test_rate_change_over_issued_bills_is_refused_in_the_admin_form(estate_a, property_fee, make_house, supervisor_a, client_for):
    make_house()
    services.bills_issue(estate=estate_a, period=JAN)
    rate = property_fee.rates.get()
    response = client_for(supervisor_a).post(f"/admin/snippets/fees/feerate/edit/{rate.pk}/", {
        "fee_item": property_fee.pk, "amount": "9.99", "valid_from": "2020-01-01", "note": "",
    })
    assert response.status_code == 400
    assert "已" in response.content.decode() or "issued" in response.content.decode()
    rate.refresh_from_db()
    assert rate.amount == Decimal("2.5000")
    response = client_for(supervisor_a).post("/admin/snippets/fees/feerate/add/", {
        "fee_item": property_fee.pk, "amount": "3.00", "valid_from": "2026-01-05", "note": "",
    })
    assert response.status_code == 400 and FeeRate.objects.count() == 1
    response = client_for(supervisor_a).post("/admin/snippets/fees/feerate/add/", {
        "fee_item": property_fee.pk, "amount": "3.00", "valid_from": "2026-02-01", "note": "",
    })
    assert response.status_code == 302 and FeeRate.objects.count() == 2


def _bills(estate, make_house, area="100.00", months=(JAN, FEB, MAR)):
    house = make_house(area=area)
    for period in months:
        services.bills_issue(estate=estate, period=period)
    return house, list(Bill.objects.filter(house=house).order_by("period"))


def test_partial_payment_and_one_payment_for_several_bills(estate_a, property_fee, make_house, clerk_a):
    house, (jan, feb, mar) = _bills(estate_a, make_house)
    p1 = services.payment_record(house=house, amount="100", method="cash", by=clerk_a)
    jan.refresh_from_db()
    assert (jan.paid, jan.outstanding) == (Decimal("100.00"), Decimal("150.00"))
    p2 = services.payment_record(house=house, amount="400.00", method="alipay", by=clerk_a)
    amounts = {a.bill.period: a.amount for a in p2.allocations.select_related("bill")}
    assert amounts == {JAN: Decimal("150.00"), FEB: Decimal("250.00")}
    assert (p1.receipt_no, p2.receipt_no) == (1, 2)
    assert p2.receipt_number == "HYY-00000002"
    p3 = services.payment_record(house=house, amount="250", method="bank", by=clerk_a, bills=[mar])
    assert p3.allocations.get().bill == mar
    assert Bill.objects.filter(house=house, paid__lt=models_F_amount()).count() == 0


def models_F_amount():
    from django.db.models import F

    return F("amount")


def test_receipt_numbers_are_sequential_per_estate(estate_a, estate_b, property_fee, make_house, house_b, clerk_a, clerk_b):
    house, _ = _bills(estate_a, make_house, months=(JAN,))
    FeeRateFactory(fee_item=FeeItemFactory(estate=estate_b), valid_from=dt.date(2020, 1, 1))
    services.bills_issue(estate=estate_b, period=JAN)
    services.payment_record(house=house, amount="10", method="cash", by=clerk_a)
    services.payment_record(house=house_b, amount="10", method="cash", by=clerk_b)
    services.payment_record(house=house, amount="10", method="cash", by=clerk_a)
    assert list(Payment.objects.filter(estate=estate_a).order_by("pk").values_list("receipt_no", flat=True)) == [1, 2]
    assert list(Payment.objects.filter(estate=estate_b).values_list("receipt_no", flat=True)) == [1]


@pytest.mark.parametrize("amount", ["0", "-50", "0.001", "abc", "NaN", ""])
def test_zero_negative_and_malformed_amounts_are_refused(estate_a, property_fee, make_house, clerk_a, amount):
    house, _ = _bills(estate_a, make_house, months=(JAN,))
    with pytest.raises(ValidationError) as exc:
        services.payment_record(house=house, amount=amount, method="cash", by=clerk_a)
    assert "amount" in exc.value.error_dict
    assert not Payment.objects.exists() and not ReceiptCounter.objects.filter(last_no__gt=0).exists()


def test_paying_more_than_owed_needs_to_say_what_to_do_with_the_rest(estate_a, property_fee, make_house, clerk_a):
    house, (jan,) = _bills(estate_a, make_house, months=(JAN,))
    with pytest.raises(ValidationError) as exc:
        services.payment_record(house=house, amount="300", method="cash", by=clerk_a)
    assert "50.00" in str(exc.value)
    assert not Payment.objects.exists()
    jan.refresh_from_db()
    assert jan.paid == 0
    payment = services.payment_record(house=house, amount="300", method="cash", by=clerk_a, keep_rest_as_credit=True)
    assert payment.credit == Decimal("50.00")
    # The credit settles the next month's bill when it is issued.
    services.bills_issue(estate=estate_a, period=FEB)
    feb = Bill.objects.get(house=house, period=FEB)
    payment.refresh_from_db()
    assert (feb.paid, payment.credit) == (Decimal("50.00"), Decimal("0.00"))
    assert PaymentAllocation.objects.filter(payment=payment).aggregate(s=Sum("amount"))["s"] == Decimal("300.00")


def test_a_payment_against_another_estates_bill_changes_nothing(estate_a, estate_b, property_fee, make_house, house_b, clerk_a):
    house, _ = _bills(estate_a, make_house, months=(JAN,))
    foreign = BillFactory(house=house_b, period=JAN)
    with pytest.raises(ValidationError) as exc:
        services.payment_record(house=house, amount="100", method="cash", by=clerk_a, bills=[foreign])
    assert "another estate" in str(exc.value) or "其他小区" in str(exc.value)
    foreign.refresh_from_db()
    assert foreign.paid == 0 and not Payment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.payment_record(house=house_b, amount="100", method="cash", by=clerk_a)


def test_a_duplicate_receipt_number_is_refused_and_changes_nothing(estate_a, property_fee, make_house, clerk_a):
    house, (jan,) = _bills(estate_a, make_house, months=(JAN,))
    services.payment_record(house=house, amount="100", method="cash", by=clerk_a)
    ReceiptCounter.objects.filter(estate=estate_a).update(last_no=0)  # a restored backup, a bad edit
    with pytest.raises(ValidationError) as exc:
        services.payment_record(house=house, amount="100", method="cash", by=clerk_a)
    assert "HYY-00000001" in str(exc.value)
    jan.refresh_from_db()
    assert jan.paid == Decimal("100.00") and Payment.objects.count() == 1
    assert ReceiptCounter.objects.get(estate=estate_a).last_no == 0


def test_reversal_keeps_the_payment_and_the_bills_owe_again(estate_a, property_fee, make_house, clerk_a, supervisor_a):
    house, (jan, feb, _mar) = _bills(estate_a, make_house)
    payment = services.payment_record(house=house, amount="300", method="cash", by=clerk_a)
    with pytest.raises(PermissionDenied):
        services.payment_reverse(payment=payment, reason="录错", by=clerk_a)
    with pytest.raises(ValidationError):
        services.payment_reverse(payment=payment, reason="  ", by=supervisor_a)
    services.payment_reverse(payment=payment, reason="录错金额", by=supervisor_a)
    payment.refresh_from_db()
    assert payment.is_reversed and payment.reversed_by == supervisor_a and payment.reversal_reason == "录错金额"
    assert list(Bill.objects.filter(house=house).values_list("paid", flat=True)) == [0, 0, 0]
    assert payment.history.first().history_user == supervisor_a
    assert Bill.history.filter(id=jan.pk).first().history_user == supervisor_a
    with pytest.raises(ValidationError):
        services.payment_reverse(payment=payment, reason="again", by=supervisor_a)


def test_rmb_in_words():
    assert rmb_in_words(Decimal("1234.50")) == "壹仟贰佰叁拾肆元伍角整"
    assert rmb_in_words(Decimal("100005.07")) == "壹拾万零伍元零柒分"
    assert rmb_in_words(Decimal("0.30")) == "叁角整"
    assert rmb_in_words(Decimal("250")) == "贰佰伍拾元整"
    assert rmb_in_words(Decimal("1010")) == "壹仟零壹拾元整"


def test_reconciliation_over_random_payments_reversals_and_credit(estate_a, make_house, clerk_a, supervisor_a):
    """Seeded random books: every bill's total = paid + outstanding, paid = what live payments
    allocated to it, and every live payment = its allocations + its credit."""
    rng = random.Random(20261122)
    items = []
    for i in range(3):
        item = FeeItemFactory(estate=estate_a, name=f"费用{i}", basis=rng.choice([FeeItem.Basis.AREA, FeeItem.Basis.FIXED]))
        FeeRateFactory(fee_item=item, amount=Decimal(rng.randint(50, 40000)) / 100, valid_from=dt.date(2020, 1, 1))
        items.append(item)
    houses = [make_house(area=f"{rng.randint(3000, 20000) / 100:.2f}") for _ in range(8)]
    payments = []
    for month in range(1, 7):
        services.bills_issue(estate=estate_a, period=dt.date(2026, month, 1))
        for _ in range(rng.randint(3, 12)):
            house = rng.choice(houses)
            open_bills = list(Bill.objects.filter(house=house, paid__lt=models_F_amount()))
            chosen = rng.sample(open_bills, k=rng.randint(1, len(open_bills))) if open_bills and rng.random() < 0.4 else None
            owed = sum((b.outstanding for b in (chosen or open_bills)), Decimal("0")) or Decimal("100")
            amount = money(owed * Decimal(rng.randint(10, 130)) / 100)
            try:
                payments.append(services.payment_record(
                    house=house, amount=amount, method=rng.choice(Payment.Method.values), by=clerk_a,
                    bills=chosen, keep_rest_as_credit=rng.random() < 0.5,
                ))
            except ValidationError:
                pass  # overpayment without saying what to do: refused, nothing written
            if payments and rng.random() < 0.15:
                victim = rng.choice(payments)
                if not Payment.objects.get(pk=victim.pk).is_reversed:
                    services.payment_reverse(payment=victim, reason="随机冲正", by=supervisor_a)
    assert Payment.objects.filter(reversed_at__isnull=False).exists() and Payment.history.filter(credit__gt=0).exists()
    for bill in Bill.objects.all():
        live = PaymentAllocation.objects.filter(bill=bill, payment__reversed_at__isnull=True).aggregate(s=Sum("amount"))["s"] or 0
        assert bill.paid == live
        assert bill.amount == bill.paid + bill.outstanding and 0 <= bill.paid <= bill.amount
        assert bill.amount == money(bill.rate * bill.quantity * bill.months)
    for payment in Payment.objects.filter(reversed_at__isnull=True):
        allocated = payment.allocations.aggregate(s=Sum("amount"))["s"] or 0
        assert payment.amount == allocated + payment.credit
    live_in = Payment.objects.filter(reversed_at__isnull=True).aggregate(s=Sum("amount"), c=Sum("credit"))
    assert Bill.objects.aggregate(s=Sum("paid"))["s"] == live_in["s"] - live_in["c"]
    receipt_nos = list(Payment.objects.order_by("receipt_no").values_list("receipt_no", flat=True))
    assert receipt_nos == list(range(1, len(receipt_nos) + 1))
