"""Invoice requests (开具发票) through the admin: requested on the receipt, validated (a company's
unified social credit code with its check character), issued with number and date, cancelled;
states from one table; roles and estates."""

import datetime as dt

import pytest
from estates import roles
from fees import invoices
from fees.factories import PaymentFactory
from fees.models.invoices import InvoiceRequest

pytestmark = pytest.mark.django_db
VALID = "91350100M000100Y43"


@pytest.mark.parametrize(("code", "ok"), [
    (VALID, True), ("91110000802100433B", True), ("91310000MA1FL4CT2Q", True),
    ("91350100m000100y43", True),        # lower case is normalised
    ("91350100M000100Y44", False),       # wrong check character
    ("91350100M000100Y4", False),        # 17 characters
    ("91350100M0001O0Y43", False),       # the letter O is never used
])
def test_unified_social_credit_code(code, ok):
    if ok:
        assert invoices.validate_uscc(code) == code.upper()
    else:
        with pytest.raises(Exception):  # noqa: B017  ValidationError with a translated message
            invoices.validate_uscc(code)


def test_request_issue_and_show_on_the_receipt(estate_a, house_a, clerk_a, client_for):
    payment = PaymentFactory(house=house_a, payer="王芳")
    client = client_for(clerk_a)
    receipt = client.get(f"/admin/fees/payment/{payment.pk}/receipt/").content.decode()
    assert f"/admin/fees/payment/{payment.pk}/invoice/" in receipt

    # A company without a valid tax number: a 400 with the field's message, nothing stored.
    response = client.post(f"/admin/fees/payment/{payment.pk}/invoice/",
                           {"buyer_type": "company", "title": "上海和悦贸易有限公司", "tax_number": "91350100M000100Y44"})
    assert response.status_code == 400 and not InvoiceRequest.objects.exists()
    assert "check character" in response.content.decode() or "校验" in response.content.decode()

    response = client.post(f"/admin/fees/payment/{payment.pk}/invoice/",
                           {"buyer_type": "company", "title": "上海和悦贸易有限公司", "tax_number": VALID.lower()})
    assert response.status_code == 302
    invoice = InvoiceRequest.objects.get()
    assert (invoice.state, invoice.tax_number, invoice.amount) == ("requested", VALID, payment.amount)
    # One live request per payment.
    response = client.post(f"/admin/fees/payment/{payment.pk}/invoice/", {"buyer_type": "personal", "title": "王芳"})
    assert response.status_code == 400 and InvoiceRequest.objects.count() == 1

    today = dt.date.today().isoformat()
    bad = client.post(f"/admin/fees/invoice/{invoice.pk}/issue/", {"invoice_no": "12AB", "invoice_date": today})
    assert bad.status_code == 400
    response = client.post(f"/admin/fees/invoice/{invoice.pk}/issue/",
                           {"invoice_no": "26312000000012345678", "invoice_date": today})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.state, invoice.invoice_no, invoice.done_by) == ("issued", "26312000000012345678", clerk_a)
    receipt = client.get(f"/admin/fees/payment/{payment.pk}/receipt/").content.decode()
    assert "26312000000012345678" in receipt and VALID in receipt
    # Issued once: issuing again is not offered and is refused.
    response = client.post(f"/admin/fees/invoice/{invoice.pk}/issue/", {"invoice_no": "12345678", "invoice_date": today})
    assert response.status_code == 409 and InvoiceRequest.objects.get().invoice_no == "26312000000012345678"


def test_a_person_needs_no_tax_number_and_cancel_allows_a_new_request(house_a, clerk_a, client_for):
    payment = PaymentFactory(house=house_a)
    client = client_for(clerk_a)
    assert client.post(f"/admin/fees/payment/{payment.pk}/invoice/", {"buyer_type": "personal", "title": "王芳"}).status_code == 302
    invoice = InvoiceRequest.objects.get()
    assert invoice.tax_number == ""
    assert client.post(f"/admin/fees/invoice/{invoice.pk}/cancel/", {"reason": ""}).status_code == 400
    assert client.post(f"/admin/fees/invoice/{invoice.pk}/cancel/", {"reason": "抬头写错"}).status_code == 302
    assert InvoiceRequest.objects.get().state == "cancelled"
    assert client.post(f"/admin/fees/payment/{payment.pk}/invoice/", {"buyer_type": "personal", "title": "王芳芳"}).status_code == 302
    assert InvoiceRequest.objects.filter(state="requested").count() == 1


def test_the_transition_table_drives_the_actions(house_a, clerk_a, make_user, estate_a):
    invoice = invoices.invoice_request(payment=PaymentFactory(house=house_a), buyer_type="personal", title="王芳", by=clerk_a)
    assert [name for name, _t in invoices.actions_for(invoice, clerk_a)] == ["issue", "cancel"]
    front_desk = make_user(roles.FRONT_DESK, [estate_a])
    assert invoices.actions_for(invoice, front_desk) == []


@pytest.mark.parametrize(("role", "request_ok", "issue_ok"), [
    (roles.CLERK, True, True), (roles.FRONT_DESK, True, False), (roles.SECRETARY, False, False),
])
def test_roles(estate_a, house_a, make_user, client_for, clerk_a, role, request_ok, issue_ok):
    client = client_for(make_user(role, [estate_a]))
    payment = PaymentFactory(house=house_a)
    response = client.post(f"/admin/fees/payment/{payment.pk}/invoice/", {"buyer_type": "personal", "title": "王芳"})
    assert InvoiceRequest.objects.exists() is request_ok
    if not request_ok:
        assert response.status_code in (302, 403)
        invoices.invoice_request(payment=payment, buyer_type="personal", title="王芳", by=clerk_a)
    invoice = InvoiceRequest.objects.get()
    client.post(f"/admin/fees/invoice/{invoice.pk}/issue/", {"invoice_no": "12345678", "invoice_date": dt.date.today().isoformat()})
    assert (InvoiceRequest.objects.get().state == "issued") is issue_ok


def test_another_estates_payment_is_not_found(house_b, clerk_a, client_for):
    payment = PaymentFactory(house=house_b)
    response = client_for(clerk_a).post(f"/admin/fees/payment/{payment.pk}/invoice/", {"buyer_type": "personal", "title": "x"})
    assert response.status_code == 404 and not InvoiceRequest.objects.exists()
