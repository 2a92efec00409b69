"""The owner's pages: report a repair or a suggestion, and look up its status."""

import pytest
from servicedesk.models import Ticket

REPORT = "/service/report/"
STATUS = "/service/status/"


@pytest.fixture
def form_data(estate_a, house_a):
    return {
        "kind": "repair", "estate": estate_a.pk, "building": "1栋", "unit": "1", "room": "101",
        "contact_name": "陈女士", "contact_mobile": "139-0000-1234", "description": "客厅墙面渗水",
        "website": "",
    }


def test_report_gives_a_number_and_the_status_can_be_looked_up(client, form_data, house_a):
    page = client.get(REPORT)
    assert page.status_code == 200 and 'name="website"' in page.content.decode()
    response = client.post(REPORT, form_data)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.house == house_a and ticket.channel == "web" and ticket.handler is None
    assert ticket.contact_mobile == "13900001234"
    assert ticket.clocks.count() == 2  # the clocks run for web tickets too
    thanks = client.get(response.url)
    assert ticket.number in thanks.content.decode()
    found = client.post(STATUS, {"number": ticket.number.lower(), "contact_mobile": "13900001234"})
    assert found.status_code == 200
    body = found.content.decode()
    assert ticket.number in body and "新建" in body


def test_a_suggestion_on_a_shared_area(client, form_data):
    data = {**form_data, "kind": "suggestion", "building": "", "unit": "", "room": "", "shared_area": "北门花园"}
    assert client.post(REPORT, data).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.kind == "suggestion" and ticket.number.startswith("S-HYY-") and ticket.house is None


def test_wrong_pair_gives_the_same_generic_answer(client, intake):
    ticket = intake(contact_mobile="13800138000")
    wrong_mobile = client.post(STATUS, {"number": ticket.number, "contact_mobile": "13800138001"})
    no_ticket = client.post(STATUS, {"number": "R-HYY-20990101-0001", "contact_mobile": "13800138000"})
    assert wrong_mobile.status_code == no_ticket.status_code == 404
    for response in (wrong_mobile, no_ticket):
        body = response.content.decode()
        assert "没有与此工单号和手机号相符的工单" in body
        assert ticket.description not in body and "王先生" not in body


@pytest.mark.parametrize(
    "change, message",
    [
        ({"contact_mobile": "12345"}, "请输入 11 位大陆手机号码"),
        ({"room": "9999"}, "没有这个房屋"),
        ({"building": "", "unit": "", "room": ""}, "请填写房屋"),
        ({"description": ""}, "class=\"error\""),
    ],
)
def test_bad_input_is_shown_and_nothing_is_recorded(client, form_data, change, message):
    response = client.post(REPORT, {**form_data, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_house_of_another_estate_is_refused(client, form_data, house_b):
    response = client.post(REPORT, {**form_data, "building": "", "unit": "", "room": "", "house": house_b.pk})
    assert response.status_code == 400
    assert "该房屋不在所选小区内" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_honeypot_records_nothing(client, form_data):
    # The same answer as every public form gives a bot (estatedesk.guard): 400, nothing recorded.
    response = client.post(REPORT, {**form_data, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "您提交的表单未被接受" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_reports_are_rate_limited(client, form_data, settings):
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, "report": (2, 3600)}
    assert client.post(REPORT, form_data).status_code == 302
    assert client.post(REPORT, form_data).status_code == 302
    assert client.post(REPORT, form_data).status_code == 429
    assert Ticket.objects.count() == 2


def test_lookups_are_rate_limited(client, settings, db):
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, "status": (3, 600)}
    codes = [client.post(STATUS, {"number": "X", "contact_mobile": "13800138000"}).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_the_thanks_page_without_a_report_goes_back_to_the_form(client):
    response = client.get("/service/report/thanks/")
    assert response.status_code == 302 and response.url == REPORT


def test_public_pages_are_plain_html_with_labels(client, db):
    body = client.get(REPORT).content.decode()
    assert body.startswith("<!DOCTYPE html>") and '<html lang="zh-hans">' in body
    assert '<label for="id_contact_mobile">' in body and "<script" not in body


def test_the_status_page_gives_the_estate_hotline(client, intake, estate_a, estate_b):
    type(estate_a).objects.filter(pk=estate_a.pk).update(hotline="021-5888 1234")
    type(estate_b).objects.filter(pk=estate_b.pk).update(hotline="021-6466 5678")
    empty = client.get(STATUS).content.decode()
    # Before a lookup: every estate's number, never the old "call your estate's service centre".
    assert "021-5888 1234" in empty and "021-6466 5678" in empty and 'href="tel:021-58881234"' in empty
    assert "请致电您所在小区的客服中心" not in empty
    ticket = intake(contact_mobile="13800138000")
    found = client.post(STATUS, {"number": ticket.number, "contact_mobile": "13800138000"}).content.decode()
    hotline = found.split('id="ticket-hotline"')[1].split("</dd>")[0]
    assert "021-5888 1234" in hotline
