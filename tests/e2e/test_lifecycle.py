"""The desk procedures in a browser: a move-in from booking to the household file (desktop), a
decoration from application to the refunded deposit (a 390×844 phone), and a release confirmed
in person, its slip printed and passed at the gate on a phone."""

import re
from decimal import Decimal

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from archives.models import Household
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory
from estates.models import House
from fees.factories import FeeItemFactory, FeeRateFactory
from lifecycle.models import Decoration, Release
from lifecycle.roles import GATE

OWNER_ID = "110101199003074514"


@pytest.fixture
def desk(transactional_db, make_user, settings, live_server, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    estate = EstateFactory(name="和悦苑", code="HYY")
    building = BuildingFactory(estate=estate, name="3栋")
    house = HouseFactory(building=building, unit="1", room="301", status=House.Status.VACANT)
    item = FeeItemFactory(estate=estate, name="物业服务费")
    FeeRateFactory(fee_item=item, amount=Decimal("2.5000"))
    people = {
        "front": make_user(roles.FRONT_DESK, [estate], username="e2e_front"),
        "clerk": make_user(roles.CLERK, [estate], username="e2e_clerk"),
        "supervisor": make_user(roles.SUPERVISOR, [estate], username="e2e_sup"),
        "gate": make_user(GATE, [estate], username="e2e_gate"),
    }
    return estate, house, people


def as_user(page, admin_login, username):
    page.context.clear_cookies()
    admin_login(page, username)


def act(page, action, fields=None, *, within="form"):
    form = page.locator(f"{within}[data-action='{action}']").first
    for name, value in (fields or {}).items():
        field = form.locator(f"[name='{name}']")
        if field.first.get_attribute("type") == "radio":
            form.locator(f"[name='{name}'][value='{value}']").check()
        elif field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def status(page) -> str:
    return page.locator("#record-status").inner_text()


def test_move_in_from_booking_to_the_household_file(page, live_server, admin_login, desk):
    estate, house, people = desk
    as_user(page, admin_login, "e2e_front")
    page.goto(f"{live_server.url}/admin/lifecycle/moveins/new/")
    page.select_option("[name=house]", str(house.pk))
    page.fill("[name=owner_name]", "王芳")
    page.fill("[name=owner_mobile]", "13912345678")
    page.fill("[name=date]", timezone.localdate().isoformat())
    page.click("#lc-save")
    page.wait_for_url(re.compile(r"/admin/lifecycle/moveins/\d+/$"))
    assert "139****5678" in page.content()  # the front desk sees the mobile masked
    act(page, "send_pack")
    act(page, "arrive")
    act(page, "start", {})
    assert status(page) == "办理中"
    # Completing is the clerk's: the front desk is not offered the button.
    assert page.locator("form[data-action='complete']").count() == 0
    url = page.url
    as_user(page, admin_login, "e2e_clerk")
    page.goto(url)
    act(page, "complete", {"complete-members": "李强, 配偶", "complete-keys": "K-0301, 入户门, 2"})
    assert status(page) == "已入住"
    assert "K-0301" in page.content()
    household = Household.objects.get(house=house)
    assert set(household.people.values_list("name", flat=True)) == {"王芳", "李强"}
    house.refresh_from_db()
    assert house.status == House.Status.OCCUPIED


def test_decoration_on_a_phone_from_application_to_refund(phone_page, live_server, admin_login, desk):
    page = phone_page
    estate, house, people = desk
    as_user(page, admin_login, "e2e_clerk")
    page.goto(f"{live_server.url}/admin/lifecycle/decorations/new/")
    page.select_option("[name=house]", str(house.pk))
    for name, value in {"owner_name": "陈先生", "owner_mobile": "13712345678", "contractor": "安居装饰",
                        "scope": "厨房翻新", "start": timezone.localdate().isoformat(),
                        "end": timezone.localdate().isoformat(), "deposit_amount": "2000"}.items():
        page.fill(f"[name={name}]", value)
    page.click("#lc-save")
    page.wait_for_url(re.compile(r"/admin/lifecycle/decorations/\d+/$"))
    url = page.url
    as_user(page, admin_login, "e2e_sup")
    page.goto(url)
    act(page, "approve")
    assert page.locator("#permit-link").is_visible()
    act(page, "violation", {"violation-rule": "施工时间外作业", "violation-action": "warning"})
    act(page, "rectify", {"rectify-rectification": "已调整施工时间"}, within="[data-violation] form")
    as_user(page, admin_login, "e2e_clerk")
    page.goto(url)
    act(page, "verify", within="[data-violation] form")
    act(page, "accept", {"accept-house_status": "occupied"})
    as_user(page, admin_login, "e2e_sup")
    page.goto(url)
    act(page, "settle", {"settle-deductions": "垃圾清运, 100"})
    assert status(page) == "押金已退结"
    decoration = Decoration.objects.get()
    assert decoration.deposit.refunded_amount == Decimal("1900.00")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_release_confirmed_in_person_then_passed_at_the_gate(page, phone_page, live_server, admin_login, desk):
    estate, house, people = desk
    PersonFactory(household=HouseholdFactory(house=house), name="王芳", mobile="13912345678", id_number=OWNER_ID)
    as_user(page, admin_login, "e2e_front")
    page.goto(f"{live_server.url}/admin/lifecycle/releases/new/")
    page.select_option("[name=house]", str(house.pk))
    page.select_option("[name=requester]", "tenant")
    page.fill("[name=requester_name]", "租户赵")
    page.fill("[name=items]", "双门冰箱 1台")
    page.fill("[name=carrier]", "顺达搬家 粤B12345")
    page.fill("[name=date]", timezone.localdate().isoformat())
    page.click("#lc-save")
    page.wait_for_url(re.compile(r"/admin/lifecycle/releases/\d+/$"))
    # The slip is not offered before the owner (not the tenant) confirms.
    assert page.locator("form[data-action='release']").count() == 0
    act(page, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID})
    act(page, "release")
    number = Release.objects.get().number
    page.click("#slip-link")
    assert page.locator("#slip-number").inner_text() == number
    gate = phone_page
    as_user(gate, admin_login, "e2e_gate")
    gate.goto(f"{live_server.url}/admin/lifecycle/gate/")
    gate.fill("[name=number]", number)
    gate.click("form[method=get] button[type=submit]")
    gate.wait_for_load_state()
    assert "双门冰箱 1台" in gate.content()
    gate.click("#gate-pass")
    gate.wait_for_load_state()
    assert Release.objects.get().status == Release.Status.PASSED
