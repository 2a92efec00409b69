"""An owner on a phone (390×844): signs in with the SMS code, sees a bill and its receipt, reports a
leak with a photo, is told of the dispatch and the completion by SMS, confirms and rates."""

import re
from decimal import Decimal

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory
from fees.factories import BillFactory, PaymentAllocationFactory, PaymentFactory
from servicedesk import services as desk
from servicedesk.factories import RepairCategoryFactory
from servicedesk.models import Ticket

MOBILE = "13912345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300


@pytest.fixture
def home(transactional_db, make_user):
    estate = EstateFactory(name="和悦苑", code="HYY")
    house = HouseFactory(building=BuildingFactory(estate=estate, name="3栋"), unit="2", room="1201", floor=12)
    PersonFactory(household=HouseholdFactory(house=house), name="王业主", mobile=MOBILE)
    bill = BillFactory(house=house, amount=Decimal("300.00"))
    payment = PaymentFactory(house=house, amount=Decimal("300.00"), payer="王业主")
    PaymentAllocationFactory(payment=payment, bill=bill, amount=Decimal("300.00"))
    type(bill).objects.filter(pk=bill.pk).update(paid=Decimal("300.00"))
    worker = make_user(roles.MAINTENANCE, [estate], username="e2e_maint", first_name="师傅", last_name="赵")
    clerk = make_user(roles.CLERK, [estate], username="e2e_clerk")
    RepairCategoryFactory(estate=estate, name="管道", assignee=worker, contractor="")
    return payment, worker, clerk


def _to_owner(sms_outbox):
    return [m["text"] for m in sms_outbox if m["to"] == MOBILE]


def test_owner_journey_on_a_phone(phone_page, live_server, sms_outbox, home):
    payment, worker, clerk = home
    page, base = phone_page, live_server.url

    # Sign in from the bulletin's link with the code read from the SMS.
    page.goto(f"{base}/owner/sign-in/")
    page.fill("input[name=mobile]", MOBILE)
    page.click("button[type=submit]")
    code = re.search(r"\b(\d{6})\b", _to_owner(sms_outbox)[-1]).group(1)
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/owner/")
    assert "王业主" in page.content()

    # A bill and its receipt.
    page.click("text=账单与缴费凭证 >> nth=0")
    assert "300.00" in page.inner_text("[data-testid=bills]")
    page.click(f"text={payment.receipt_number}")
    assert page.inner_text("[data-testid=receipt-no]") == payment.receipt_number
    assert "叁佰元整" in page.content()

    # Report a leak with a photo.
    page.goto(f"{base}/owner/report/")
    page.select_option("select[name=kind]", "repair")
    page.select_option("select[name=category]", label="管道")
    page.fill("textarea[name=description]", "卫生间水管漏水")
    page.set_input_files("input[name=photos]", files=[{"name": "leak.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("form[enctype='multipart/form-data'] button[type=submit]")  # not the nav's sign-out
    page.wait_for_url(re.compile(r"/owner/tickets/\d+/$"))
    ticket = Ticket.objects.get()
    assert ticket.number in page.content() and ticket.photos.count() == 1 and ticket.category.name == "管道"

    # The desk dispatches (to the routed worker), the work is done: the owner is told each time.
    desk.ticket_dispatch(ticket=ticket, assignee=worker, by=clerk)
    desk.ticket_start(ticket=ticket, by=worker)
    desk.ticket_done(ticket=ticket, result="更换了水管接头", by=worker)
    texts = _to_owner(sms_outbox)
    assert any("已派工" in t for t in texts) and any("已完成" in t for t in texts)

    # Confirm and rate.
    page.reload()
    page.check("input[name=confirmed][value=yes]")
    page.check("input[name=satisfaction][value='5']")
    page.click("[data-testid=confirm-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=ticket-status]") == "已关闭"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.return_visits.get().satisfaction == 5
    assert any("已关闭" in t for t in _to_owner(sms_outbox))
