"""What an owner sees and does: household (own data only), bills and receipts, the arrears step in
polite words, a report with photos through the desk's intake, tickets, confirm and rate."""

from decimal import Decimal

import pytest
from archives.factories import PersonFactory, VehicleFactory
from bulletin.models import EventSignup
from fees.factories import ArrearsCaseFactory, BillFactory, PaymentAllocationFactory, PaymentFactory
from fees.models import Step
from servicedesk import services as desk
from servicedesk.factories import RepairCategoryFactory
from servicedesk.models import Ticket, TicketPhoto

from tests.owners.conftest import JPEG, MOBILE_A, PNG, upload

pytestmark = pytest.mark.django_db


def test_household_shows_own_numbers_and_masks_the_others(owner_a, web_for):
    PersonFactory(household=owner_a.household, name="王太太", role="family", mobile="13911112222",
                  id_number="110101199003070011")
    VehicleFactory(household=owner_a.household, plate="沪A12345", permit_number="P-1")
    page = web_for(owner_a).get("/owner/household/").content.decode()
    assert MOBILE_A in page and "110101199003074515" in page
    assert "13911112222" not in page and "139****2222" in page
    assert "110101199003070011" not in page
    assert "沪A12345" in page


def test_bills_receipt_and_the_polite_arrears_words(owner_a, web_for, house_a):
    bill = BillFactory(house=house_a, amount=Decimal("250.00"))
    payment = PaymentFactory(house=house_a, amount=Decimal("100.00"), payer="王业主")
    PaymentAllocationFactory(payment=payment, bill=bill, amount=Decimal("100.00"))
    type(bill).objects.filter(pk=bill.pk).update(paid=Decimal("100.00"))
    ArrearsCaseFactory(house=house_a, amount=Decimal("150.00"), months=4, current_step=Step.CALL)
    client = web_for(owner_a)
    page = client.get("/owner/bills/").content.decode()
    assert "150.00" in page and payment.receipt_number in page
    assert "致电" in page or "called you" in page
    receipt = client.get(f"/owner/receipts/{payment.pk}/")
    assert receipt.status_code == 200 and "壹佰元整" in receipt.content.decode()


def test_report_a_leak_with_photos_goes_through_the_intake(owner_a, web_for, estate_a, sms_outbox):
    category = RepairCategoryFactory(estate=estate_a, name="管道")
    client = web_for(owner_a)
    response = client.post("/owner/report/", {
        "kind": "repair", "category": category.pk, "description": "厨房水管漏水",
        "expected_at": "2026-12-01T10:00", "photos": [upload("a.png", PNG), upload("b.jpg", JPEG)],
    })
    assert response.status_code == 302, response.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.channel == Ticket.Channel.WEB and ticket.house == owner_a.household.house
    assert ticket.category == category and ticket.contact_mobile == MOBILE_A
    assert ticket.clocks.count() == 2  # respond and finish: the desk's intake ran
    assert TicketPhoto.objects.filter(ticket=ticket).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert ticket.number in page and "管道" in page
    photo = TicketPhoto.objects.filter(ticket=ticket).first()
    served = client.get(f"/owner/tickets/{ticket.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == photo.content_type
    assert "/media/" not in photo.file.path


@pytest.mark.parametrize("files, message", [
    ([upload("x.png", b"GIF89a" + b"0" * 100)], "JPEG"),  # magic bytes of a GIF under a .png name
    ([upload("x.gif", PNG)], "JPEG"),  # a PNG under another name
    ([upload(f"{i}.png") for i in range(7)], "6"),  # more than six
    ([upload("big.png", PNG + b"0" * (5 * 1024 * 1024))], "5"),  # over the size limit
])
def test_bad_photos_are_refused_and_nothing_is_recorded(owner_a, web_for, files, message):
    response = web_for(owner_a).post("/owner/report/", {"kind": "repair", "description": "漏水", "photos": files})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists()


def test_a_category_of_another_estate_is_refused(owner_a, web_for, estate_b):
    other = RepairCategoryFactory(estate=estate_b)
    response = web_for(owner_a).post("/owner/report/", {"kind": "repair", "description": "漏水", "category": other.pk})
    assert response.status_code == 400 and not Ticket.objects.exists()


def _done_repair(owner, clerk, maintenance):
    ticket = desk.ticket_intake(estate=owner.household.house.building.estate, kind="repair",
                                house=owner.household.house, contact_name=owner.name, contact_mobile=owner.mobile,
                                description="漏水", channel=Ticket.Channel.WEB, by=None)
    desk.ticket_dispatch(ticket=ticket, assignee=maintenance, by=clerk)
    desk.ticket_start(ticket=ticket, by=maintenance)
    desk.ticket_done(ticket=ticket, result="换了水管", by=maintenance)
    return ticket


@pytest.fixture
def maintenance_a(make_user, estate_a):
    from estates import roles

    return make_user(roles.MAINTENANCE, [estate_a], username="maint_a")


def test_the_owner_confirms_and_rates_and_the_ticket_closes(owner_a, web_for, clerk_a, maintenance_a):
    ticket = _done_repair(owner_a, clerk_a, maintenance_a)
    client = web_for(owner_a)
    assert "confirm-form" in client.get(f"/owner/tickets/{ticket.pk}/").content.decode()
    response = client.post(f"/owner/tickets/{ticket.pk}/confirm/", {"confirmed": "yes", "satisfaction": "5"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    visit = ticket.return_visits.get()
    assert visit.owner_confirmed and visit.satisfaction == 5 and visit.by is None
    # Twice: refused with a message, nothing more written.
    again = client.post(f"/owner/tickets/{ticket.pk}/confirm/", {"confirmed": "yes", "satisfaction": "5"})
    assert again.status_code == 400 and ticket.return_visits.count() == 1


def test_the_owner_rejects_the_result_and_the_repair_is_reopened(owner_a, web_for, clerk_a, maintenance_a):
    ticket = _done_repair(owner_a, clerk_a, maintenance_a)
    client = web_for(owner_a)
    no_reason = client.post(f"/owner/tickets/{ticket.pk}/confirm/", {"confirmed": "no", "satisfaction": "2"})
    assert no_reason.status_code == 400 and ticket.return_visits.count() == 0
    client.post(f"/owner/tickets/{ticket.pk}/confirm/", {"confirmed": "no", "satisfaction": "2", "comment": "还在漏"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IN_PROGRESS and ticket.reopen_count == 1
    assert "还在漏" in ticket.events.last().note


def test_the_owner_sees_their_event_signups(owner_a, web_for, house_a):
    from bulletin.factories import EventSignupFactory

    signup = EventSignupFactory(house=house_a, mobile=MOBILE_A)
    page = web_for(owner_a).get("/owner/events/").content.decode()
    assert signup.event.title in page
    assert EventSignup.objects.count() == 1


def test_the_home_keeps_a_place_for_surveys(owner_a, web_for):
    page = web_for(owner_a).get("/owner/").content.decode()
    assert 'data-testid="surveys"' in page


def test_the_bulletin_links_to_the_owner_sign_in(estate_a):
    from django.template.loader import render_to_string

    assert "/owner/" in render_to_string("bulletin/base.html", {})
