"""The fees admin through the test client: roles, estates, the board and its export, the house
page, receipts, reversals, the readings import and the collection rate."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from estates import roles
from estates.models import PersonalDataAccess
from fees import factories, services
from fees.factories import ArrearsCaseFactory, FeeItemFactory, FeeRateFactory
from fees.models import ArrearsCase, Bill, ChasingStep, FeeItem, MeterReading, Payment

pytestmark = pytest.mark.django_db
JAN = dt.date(2026, 1, 1)


@pytest.fixture
def owing(estate_a, property_fee, make_house):
    """A house that owes January and February (¥250 each), swept on 2026-02-20."""
    import time_machine

    house = make_house(area="100.00")
    ArrearsCaseFactory(house=house, amount=0, months=0, contact_name="王芳", contact_mobile="13900000001")
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC), tick=False):
        services.bills_issue(estate=estate_a, period=JAN)
        services.bills_issue(estate=estate_a, period=dt.date(2026, 2, 1))
        services.arrears_sweep(estate=estate_a)
    return house


def test_every_fees_model_has_a_factory():
    import factory

    names = {
        f._meta.model.__name__ for f in vars(factories).values()
        if isinstance(f, type) and issubclass(f, factory.django.DjangoModelFactory) and f._meta.model
    }
    models = {m.__name__ for m in apps.get_app_config("fees").get_models() if not m.__name__.startswith("Historical")}
    assert models <= names, models - names


def denied(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def done(response) -> bool:
    return response.status_code == 302 and response["Location"] != "/admin/"


@pytest.mark.parametrize("role, house_page, can_pay, steps_allowed, board, reverse, readings, issue", [
    (roles.ESTATE_MANAGER, 200, True, {"call", "visit", "lawyer_letter", "lawsuit"}, 200, True, 200, 200),
    (roles.SUPERVISOR, 200, True, {"call", "visit", "lawyer_letter", "lawsuit"}, 200, True, 200, 200),
    (roles.CLERK, 200, True, {"call", "visit"}, 200, False, 200, 403),
    (roles.STEWARD, 200, True, {"visit"}, 200, False, 403, 403),
    (roles.FRONT_DESK, 200, True, set(), 403, False, 403, 403),
    (roles.SECRETARY, 403, False, set(), 403, False, 403, 403),
    (roles.MAINTENANCE, 403, False, set(), 403, False, 403, 403),
])
def test_what_each_role_may_do(estate_a, owing, make_user, client_for, role, house_page, can_pay, steps_allowed,
                               board, reverse, readings, issue):
    user = make_user(role, [estate_a])
    client = client_for(user)
    response = client.get(f"/admin/fees/house/{owing.pk}/")
    assert response.status_code == 200 if house_page == 200 else denied(response)
    response = client.post(f"/admin/fees/house/{owing.pk}/pay/", {"amount": "100", "method": "cash"})
    assert done(response) is can_pay
    assert Payment.objects.exists() is can_pay
    for step in ("call", "visit", "lawyer_letter", "lawsuit"):
        response = client.post(f"/admin/fees/house/{owing.pk}/step/", {"step": step, "outcome": "promised", "note": "x"})
        assert done(response) is (step in steps_allowed), step
    response = client.get("/admin/snippets/fees/arrearscase/")
    assert response.status_code == 200 if board == 200 else denied(response)
    if board == 200:
        assert "2栋" in response.content.decode()
    payment = Payment.objects.first() or services.payment_record(
        house=owing, amount="10", method="cash", by=make_user(roles.CLERK, [estate_a]))
    response = client.post(f"/admin/fees/payment/{payment.pk}/reverse/", {"reason": "录错"})
    assert done(response) is reverse
    payment.refresh_from_db()
    assert payment.is_reversed is reverse
    response = client.get("/admin/fees/readings/import/")
    assert response.status_code == 200 if readings == 200 else denied(response)
    response = client.get("/admin/fees/issue/")
    assert response.status_code == 200 if issue == 200 else denied(response)


def test_another_estates_records_are_not_found(owing, clerk_a, clerk_b, client_for):
    payment = services.payment_record(house=owing, amount="100", method="cash", by=clerk_a)
    client = client_for(clerk_b)
    assert client.get(f"/admin/fees/house/{owing.pk}/").status_code == 404
    assert client.post(f"/admin/fees/house/{owing.pk}/pay/", {"amount": "100", "method": "cash"}).status_code == 404
    assert client.get(f"/admin/fees/payment/{payment.pk}/receipt/").status_code == 404
    case = ArrearsCase.objects.get(house=owing)
    assert client.get(f"/admin/snippets/fees/arrearscase/edit/{case.pk}/").status_code == 404
    assert "2栋" not in client.get("/admin/snippets/fees/arrearscase/").content.decode()
    assert Payment.objects.count() == 1


def test_record_a_payment_and_print_the_receipt(owing, clerk_a, client_for):
    client = client_for(clerk_a)
    page = client.get(f"/admin/fees/house/{owing.pk}/").content.decode()
    assert "500.00" in page and "王芳" in page
    jan = Bill.objects.get(house=owing, period=JAN)
    response = client.post(f"/admin/fees/house/{owing.pk}/pay/", {
        "amount": "250.00", "method": "wechat", "bills": [jan.pk], "payer": "王芳", "reference": "WX123",
    })
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/fees/payment/{payment.pk}/receipt/"
    receipt = client.get(response["Location"]).content.decode()
    assert "HYY-00000001" in receipt and "贰佰伍拾元整" in receipt and "@media print" in receipt
    assert payment.operator == clerk_a and payment.history.first().history_user == clerk_a
    case = ArrearsCase.objects.get(house=owing)
    assert (case.amount, case.months) == (Decimal("250.00"), 1)


@pytest.mark.parametrize("data, message", [
    ({"amount": "0", "method": "cash"}, "金额必须大于零"),
    ({"amount": "-5", "method": "cash"}, "金额必须大于零"),
    ({"amount": "十块", "method": "cash"}, "请输入以元为单位的金额"),
    ({"amount": "900", "method": "cash"}, "保留余额"),
    ({"amount": "10", "method": "bitcoin"}, "bitcoin"),
])
def test_bad_payments_are_refused_with_a_message_and_change_nothing(owing, clerk_a, client_for, data, message):
    response = client_for(clerk_a).post(f"/admin/fees/house/{owing.pk}/pay/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()
    assert set(Bill.objects.values_list("paid", flat=True)) == {Decimal("0.00")}


def test_a_tampered_bill_of_another_house_is_refused(owing, clerk_a, client_for, make_house, estate_a):
    other = make_house()
    services.bills_issue(estate=estate_a, period=dt.date(2026, 3, 1))
    bill = Bill.objects.filter(house=other).first()
    response = client_for(clerk_a).post(f"/admin/fees/house/{owing.pk}/pay/", {
        "amount": "10", "method": "cash", "bills": [bill.pk]})
    assert response.status_code == 400 and not Payment.objects.exists()


def test_board_lists_only_arrears_and_exports_safely(estate_a, owing, make_house, clerk_a, client_for):
    ArrearsCaseFactory(house=make_house(), amount=0, months=0, contact_name="不欠费")
    case = ArrearsCase.objects.get(house=owing)
    case.contact_name = "=HYPERLINK(\"http://evil\")"
    case.save()
    client = client_for(clerk_a)
    page = client.get("/admin/snippets/fees/arrearscase/").content.decode()
    assert "500.00" in page and "不欠费" not in page
    assert "500.00" in client.get("/admin/snippets/fees/arrearscase/?next_step=call").content.decode()
    assert "500.00" not in client.get("/admin/snippets/fees/arrearscase/?next_step=lawsuit").content.decode()
    assert "500.00" in client.get("/admin/snippets/fees/arrearscase/?q=2栋").content.decode()
    response = client.get("/admin/snippets/fees/arrearscase/?export=csv")
    assert response.content.startswith("\ufeff".encode())  # the one writer: a BOM for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2].startswith("'=HYPERLINK")
    assert rows[1][3] == "13900000001"  # clerks may see mobiles; the export is logged
    assert PersonalDataAccess.objects.filter(user=clerk_a, action="export").exists()
    xlsx = client.get("/admin/snippets/fees/arrearscase/?export=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)).active
    assert sheet.cell(2, 3).value.startswith("'=") and sheet.cell(2, 3).data_type == "s"


def test_board_queries_do_not_grow_with_rows(estate_a, property_fee, make_house, clerk_a, client_for):
    def board_queries(n):
        for _ in range(n):
            ArrearsCaseFactory(house=make_house(), amount=Decimal("100"), months=1)
        client = client_for(clerk_a)
        client.get("/admin/snippets/fees/arrearscase/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/snippets/fees/arrearscase/").status_code == 200
        return len(ctx)

    few = board_queries(5)
    many = board_queries(30)
    assert many == few


def test_house_page_queries_do_not_grow_with_payments(owing, clerk_a, client_for):
    client = client_for(clerk_a)
    services.payment_record(house=owing, amount="10", method="cash", by=clerk_a)
    client.get(f"/admin/fees/house/{owing.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/admin/fees/house/{owing.pk}/")
    for _ in range(8):
        services.payment_record(house=owing, amount="10", method="cash", by=clerk_a)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/admin/fees/house/{owing.pk}/")
    assert len(many) == len(few)


def test_contact_edit_validates_the_mobile_and_sends_the_missed_reminder(owing, clerk_a, client_for, sms_outbox):
    case = ArrearsCase.objects.get(house=owing)
    client = client_for(clerk_a)
    url = f"/admin/snippets/fees/arrearscase/edit/{case.pk}/"
    response = client.post(url, {"contact_name": "王芳", "contact_mobile": "12345", "contact_email": ""})
    assert response.status_code == 200
    response = client.post(url, {"contact_name": "王芳", "contact_mobile": "+86 139-0000-0009", "contact_email": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.contact_mobile == "13900000009"


def test_manual_step_needs_an_outcome_and_note(owing, clerk_a, client_for):
    client = client_for(clerk_a)
    response = client.post(f"/admin/fees/house/{owing.pk}/step/", {"step": "call", "outcome": "", "note": ""})
    assert response.status_code == 400
    assert not ChasingStep.objects.filter(step="call").exists()
    response = client.post(f"/admin/fees/house/{owing.pk}/step/", {"step": "call", "outcome": "promised", "note": "月底付"})
    assert response.status_code == 302
    step = ChasingStep.objects.get(step="call")
    assert (step.by, step.note, step.history.first().history_user) == (clerk_a, "月底付", clerk_a)


def test_collection_rate_per_month(estate_a, owing, clerk_a, client_for):
    services.payment_record(house=owing, amount="250", method="cash", by=clerk_a)
    page = client_for(clerk_a).get("/admin/fees/collection/").content.decode()
    assert "2026-01" in page and "100.0 %" in page and "2026-02" in page and "0.0 %" in page


def test_issue_bills_on_demand_is_idempotent(estate_a, property_fee, make_house, supervisor_a, client_for):
    make_house()
    client = client_for(supervisor_a)
    for _ in range(2):
        assert client.post("/admin/fees/issue/", {"estate": estate_a.pk, "period": "2026-01"}).status_code == 302
    assert Bill.objects.count() == 1
    response = client.post("/admin/fees/issue/", {"estate": estate_a.pk, "period": "2026-1x"})
    assert response.status_code == 400


def _water(estate):
    item = FeeItemFactory(estate=estate, name="水费", kind=FeeItem.Kind.WATER, basis=FeeItem.Basis.METERED)
    FeeRateFactory(fee_item=item, amount=Decimal("3.45"), valid_from=dt.date(2020, 1, 1))
    return item


def _upload(client, item, name, data, period="2026-01"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/admin/fees/readings/import/", {
        "fee_item": item.pk, "period": period, "file": SimpleUploadedFile(name, data)})


def test_readings_import_all_or_nothing(estate_a, make_house, clerk_a, client_for):
    item = _water(estate_a)
    h1, h2 = make_house(), make_house()
    client = client_for(clerk_a)
    bad = (
        "小区编码,楼栋,单元,房号,上期读数,本期读数\n"
        f"HYY,2栋,1,{h1.room},100,110.5\n"
        f"HYY,2栋,1,{h2.room},100,90\n"
        "JHY,2栋,1,0001,1,2\n"
        "HYY,2栋,1,9999,1,2\n"
        f"HYY,2栋,1,{h1.room},1,2\n"
    )
    response = _upload(client, item, "r.csv", bad.encode())
    page = response.content.decode()
    assert response.status_code == 400 and not MeterReading.objects.exists()
    for line in ("3", "4", "5", "6"):
        assert f"<td>{line}</td>" in page
    good = f"estate code,building,unit,room,previous reading,reading\nHYY,2栋,1,{h1.room},100,110.5\nHYY,2栋,1,{h2.room},5,6\n"
    assert _upload(client, item, "r.csv", good.encode("gb18030")).status_code == 302
    assert MeterReading.objects.count() == 2
    services.bills_issue(estate=estate_a, period=JAN)
    assert sorted(Bill.objects.values_list("amount", flat=True)) == [Decimal("3.45"), Decimal("36.23")]
    # Once billed, the month's readings are closed.
    response = _upload(client, item, "r.csv", good.encode())
    assert response.status_code == 400 and "已" in response.content.decode() or "billed" in response.content.decode()


def test_readings_import_xlsx_and_refused_files(estate_a, make_house, clerk_a, client_for):
    from openpyxl import Workbook

    item = _water(estate_a)
    house = make_house()
    MeterReading.objects.create(house=house, fee_item=item, period=dt.date(2025, 12, 1), previous=0, reading=50)
    workbook = Workbook()
    workbook.active.append(["小区编码", "楼栋", "单元", "房号", "本期读数"])
    workbook.active.append(["HYY", "2栋", 1, house.room, 62.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(clerk_a)
    assert _upload(client, item, "r.xlsx", buffer.getvalue()).status_code == 302
    reading = MeterReading.objects.get(period=JAN)
    assert (reading.previous, reading.reading) == (Decimal("50.00"), Decimal("62.50"))
    assert _upload(client, item, "r.xlsx", b"not a zip at all").status_code == 400
    assert _upload(client, item, "r.exe", b"MZ").status_code == 400
    bomb = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/huge.xml", b"0" * (60 * 1024 * 1024))
    response = _upload(client, item, "bomb.xlsx", bomb.getvalue(), period="2026-02")
    assert response.status_code == 400 and MeterReading.objects.count() == 2


def test_fee_standards_text_for_the_bulletin(estate_a, property_fee, parking_fee):
    text = services.fee_standards_text(estate=estate_a, on=JAN)
    assert "物业服务费" in text and "2.5" in text and "停车费" in text and "300" in text


def test_demo_data_fills_the_board(estate_a, make_house, clerk_a):
    from fees import demo

    for _ in range(40):
        make_house()
    demo.load(estates=[estate_a], seed=2026)
    assert Bill.objects.filter(estate=estate_a).values("period").distinct().count() == 6
    assert Payment.objects.filter(estate=estate_a).exists()
    assert ArrearsCase.objects.filter(estate=estate_a, amount__gt=0).exists()
