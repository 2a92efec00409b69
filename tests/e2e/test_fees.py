"""Browser journey: a clerk records a payment, prints its receipt, and the household leaves the
arrears board."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory
from fees import services
from fees.factories import ArrearsCaseFactory, FeeItemFactory, FeeRateFactory
from fees.models import ArrearsCase, Payment

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_records_a_payment_prints_the_receipt_and_the_household_leaves_the_board(
    page, live_server, admin_login, make_user, axe_check,
):
    estate = EstateFactory(name="和悦苑", code="HYY")
    house = HouseFactory(building=BuildingFactory(estate=estate, name="5栋"), unit="2", room="1203", area=Decimal("100.00"))
    ArrearsCaseFactory(house=house, amount=0, months=0, contact_name="赵敏", contact_mobile="13900000123")
    item = FeeItemFactory(estate=estate, name="物业服务费")
    FeeRateFactory(fee_item=item, amount=Decimal("2.50"), valid_from=dt.date(2020, 1, 1))
    this_month = timezone.localdate().replace(day=1)
    for months_ago in (2, 1):
        services.bills_issue(estate=estate, period=services.add_months(this_month, -months_ago))
    services.arrears_sweep(estate=estate)
    assert ArrearsCase.objects.get(house=house).amount == Decimal("500.00")
    make_user(roles.CLERK, [estate], username="clerk_e2e")

    admin_login(page, "clerk_e2e")
    page.goto(f"{live_server.url}/admin/snippets/fees/arrearscase/")
    row = page.locator("tr", has_text="赵敏")
    row.get_by_role("link", name=re.compile("5栋")).click()
    page.wait_for_url(f"{live_server.url}/admin/fees/house/{house.pk}/")

    page.get_by_label("金额（元）").fill("500.00")
    page.get_by_label("支付方式").select_option("wechat")
    page.get_by_label("缴费人").fill("赵敏")
    page.get_by_role("button", name="登记缴费").click()

    page.wait_for_url(re.compile(r"/admin/fees/payment/\d+/receipt/$"))
    assert page.get_by_test_id("receipt-no").inner_text() == "HYY-00000001"
    assert page.get_by_text("伍佰元整").is_visible()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()  # the buttons do not print
    page.emulate_media(media="screen")
    axe_check(page)

    page.goto(f"{live_server.url}/admin/snippets/fees/arrearscase/")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("tr", has_text="赵敏").count() == 0
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.operator.username) == (Decimal("500.00"), "wechat", "clerk_e2e")
