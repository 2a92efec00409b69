"""The owner API: the same capabilities as the pages, JSON, token auth, scoped to the household."""

from decimal import Decimal

import pytest
from fees.factories import BillFactory, PaymentAllocationFactory, PaymentFactory
from servicedesk import services as desk
from servicedesk.factories import RepairCategoryFactory
from servicedesk.models import Ticket

from tests.owners.conftest import JPEG, upload

pytestmark = pytest.mark.django_db


def test_bills_and_a_receipt(owner_a, api_for, house_a):
    bill = BillFactory(house=house_a, amount=Decimal("250.00"))
    payment = PaymentFactory(house=house_a, amount=Decimal("100.00"))
    PaymentAllocationFactory(payment=payment, bill=bill, amount=Decimal("100.00"))
    api = api_for(owner_a)
    bills = api.get("/api/owner/v1/bills/").json()
    assert bills["bills"][0]["amount"] == "250.00" and bills["arrears"]["overdue"] is False
    receipt = api.get(f"/api/owner/v1/receipts/{payment.pk}/").json()
    assert receipt["receipt_number"] == payment.receipt_number and receipt["amount_in_words"] == "壹佰元整"
    assert receipt["lines"][0]["amount"] == "100.00"


def test_report_with_a_photo_then_follow_confirm_and_rate(owner_a, api_for, estate_a, clerk_a):
    category = RepairCategoryFactory(estate=estate_a, name="管道")
    api = api_for(owner_a)
    assert {"id": category.pk, "name": "管道"} in api.get("/api/owner/v1/categories/").json()["categories"]
    created = api.post("/api/owner/v1/tickets/", {
        "kind": "repair", "category": category.pk, "description": "卫生间漏水", "photos": [upload("a.jpg", JPEG)],
    })
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["category"] == "管道" and len(data["photos"]) == 1 and data["steps"][0]["step"] == "intake"
    assert api.get(data["photos"][0]["url"]).status_code == 200
    ticket = Ticket.objects.get(pk=data["id"])
    desk.ticket_dispatch(ticket=ticket, contractor="外包", by=clerk_a)
    desk.ticket_start(ticket=ticket, by=clerk_a)
    desk.ticket_done(ticket=ticket, result="好了", by=clerk_a)
    detail = api.get(f"/api/owner/v1/tickets/{ticket.pk}/").json()
    assert detail["can_confirm"] is True and [s["step"] for s in detail["steps"]][-1] == "done"
    bad = api.post(f"/api/owner/v1/tickets/{ticket.pk}/confirm/", {"confirmed": "yes", "satisfaction": 9},
                   content_type="application/json")
    assert bad.status_code == 400 and "satisfaction" in bad.json()["errors"]
    ok = api.post(f"/api/owner/v1/tickets/{ticket.pk}/confirm/", {"confirmed": "yes", "satisfaction": 4},
                  content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    assert ok.json()["return_visits"][0]["satisfaction"] == 4


def test_bad_input_is_a_400_with_the_reasons(owner_a, api_for):
    api = api_for(owner_a)
    response = api.post("/api/owner/v1/tickets/", {"kind": "repair", "description": "",
                                                   "photos": [upload("x.png", b"GIF89a0000")]})
    assert response.status_code == 400 and "description" in response.json()["errors"]
    response = api.post("/api/owner/v1/tickets/", {"kind": "repair", "description": "漏水",
                                                   "photos": [upload("x.png", b"GIF89a0000")]})
    assert response.status_code == 400 and "photos" in response.json()["errors"]
    assert not Ticket.objects.exists()
    assert api.put("/api/owner/v1/tickets/").status_code == 405
    assert api.post("/api/owner/v1/token/", "not json", content_type="application/json").status_code == 400
