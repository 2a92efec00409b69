"""Release of big items through the admin pages: released only with the owner's confirmation (by
SMS code or in person with the ID on file), a tenant's request confirmed by the owner, refused while
the house is in arrears over the estate's limit unless a supervisor overrides with a reason; the
slip and the gate."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from fees.factories import BillFactory
from lifecycle.factories import LifecycleRulesFactory
from lifecycle.models import Release

from tests.lifecycle.conftest import OWNER_ID

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _errors(response) -> list[str]:
    return re.findall(r'class="lc-error"[^>]*>(.*?)</div>', _text(response), re.S)


def _act(client, release, action, data=None):
    return client.post(reverse("lifecycle_release_action", args=(release.pk, action)), data or {})


def _request(client, house, requester="owner", name="王芳"):
    response = client.post(reverse("lifecycle_release_new"), {
        "house": house.pk, "requester": requester, "requester_name": name, "requester_mobile": "13700137000",
        "items": "冰箱 1台\n沙发 1套", "date": "2026-11-02", "carrier": "顺达搬家 粤B12345",
    })
    assert response.status_code == 302, re.findall(r'class="lc-error"[^>]*>(.*?)</div>', _text(response), re.S)
    return Release.objects.latest("pk")


@pytest.fixture
def requested(house_a, owner_on_file, front_desk_a, client_for, frozen):
    return _request(client_for(front_desk_a), house_a)


def test_released_without_confirmation_is_refused(requested, front_desk_a, client_for):
    response = _act(client_for(front_desk_a), requested, "release")
    assert response.status_code == 400
    assert "业主尚未确认" in _text(response)
    requested.refresh_from_db()
    assert requested.status == Release.Status.REQUESTED and requested.number == ""


def test_confirmed_by_sms_code_then_released_and_passed_at_the_gate(
    requested, front_desk_a, gate_a, client_for, sms_outbox, frozen,
):
    client = client_for(front_desk_a)
    assert _act(client, requested, "send_code").status_code == 302
    sms = sms_outbox[-1]
    assert sms["to"] == "13912345678"  # the owner's mobile on file, not the requester's
    code = re.search(r"\d{6}", sms["text"]).group()
    wrong = _act(client, requested, "confirm", {"confirm-method": "sms", "confirm-code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert _act(client, requested, "confirm", {"confirm-method": "sms", "confirm-code": code}).status_code == 302
    requested.refresh_from_db()
    assert requested.status == Release.Status.CONFIRMED and requested.confirmed_owner == "王芳"
    assert _act(client, requested, "release").status_code == 302
    requested.refresh_from_db()
    assert requested.number.startswith("FX20261102-")
    slip = client.get(reverse("lifecycle_release_slip", args=(requested.pk,)))
    assert slip.status_code == 200 and requested.number in slip.content.decode()
    gate = client_for(gate_a)
    seen = gate.get(reverse("lifecycle_gate"), {"number": requested.number.lower()})
    assert seen.status_code == 200 and "冰箱 1台" in seen.content.decode() and 'id="gate-pass"' in seen.content.decode()
    assert gate.post(reverse("lifecycle_gate"), {"number": requested.number}).status_code == 302
    requested.refresh_from_db()
    assert requested.status == Release.Status.PASSED and requested.passed_by == gate_a
    again = gate.post(reverse("lifecycle_gate"), {"number": requested.number})
    assert again.status_code == 400 and "已在门岗使用过" in _text(again)


def test_in_person_confirmation_checks_the_id_against_the_file(requested, front_desk_a, client_for):
    client = client_for(front_desk_a)
    response = _act(client, requested, "confirm", {"confirm-method": "in_person", "confirm-id_number": "11010119900307999X"})
    assert response.status_code == 400 and "均不符" in _text(response)
    response = _act(client, requested, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID.lower()})
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.confirmation == Release.Confirmation.IN_PERSON


def test_a_tenant_without_an_owner_on_file_is_refused(house_a, front_desk_a, client_for, frozen):
    client = client_for(front_desk_a)
    release = _request(client, house_a, requester="tenant", name="租户赵")
    response = _act(client, release, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID})
    assert response.status_code == 400 and "档案中没有业主" in _text(response)
    assert _act(client, release, "send_code").status_code == 400
    assert _act(client, release, "release").status_code == 400
    release.refresh_from_db()
    assert release.status == Release.Status.REQUESTED


def test_a_tenants_request_is_confirmed_by_the_owner_not_the_tenant(house_a, owner_on_file, front_desk_a, client_for, frozen):
    from archives.factories import PersonFactory
    from archives.models import Person

    PersonFactory(household=owner_on_file.household, role=Person.Role.TENANT, name="租户赵", id_number="11010519491231002X")
    client = client_for(front_desk_a)
    release = _request(client, house_a, requester="tenant", name="租户赵")
    response = _act(client, release, "confirm", {"confirm-method": "in_person", "confirm-id_number": "11010519491231002X"})
    assert response.status_code == 400  # the tenant's own ID is not the owner's
    assert _act(client, release, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID}).status_code == 302


@pytest.fixture
def in_arrears(house_a, estate_a):
    LifecycleRulesFactory(estate=estate_a, release_arrears_limit=Decimal("500.00"))
    BillFactory(house=house_a, amount=Decimal("800.00"), period=date(2026, 8, 1), due_date=date(2026, 8, 16))


def test_arrears_over_the_limit_block_until_a_supervisor_overrides(
    requested, in_arrears, front_desk_a, supervisor_a, client_for,
):
    client = client_for(front_desk_a)
    _act(client, requested, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID})
    response = _act(client, requested, "release")
    assert response.status_code == 400
    assert "¥800.00" in _text(response) and "¥500.00" in _text(response), _errors(response)
    # The front desk may not override; a supervisor must give a reason.
    assert _act(client, requested, "override", {"override-reason": "x"}).status_code == 403
    supervisor = client_for(supervisor_a)
    assert _act(supervisor, requested, "override", {"override-reason": ""}).status_code == 400
    assert _act(supervisor, requested, "override", {"override-reason": "业主已签还款承诺书"}).status_code == 302
    assert _act(client, requested, "release").status_code == 302
    requested.refresh_from_db()
    assert requested.status == Release.Status.RELEASED
    assert requested.arrears == Decimal("800.00") and requested.override_by == supervisor_a


def test_arrears_within_the_limit_need_no_override(requested, house_a, estate_a, front_desk_a, supervisor_a, client_for):
    LifecycleRulesFactory(estate=estate_a, release_arrears_limit=Decimal("1000.00"))
    BillFactory(house=house_a, amount=Decimal("800.00"), period=date(2026, 8, 1), due_date=date(2026, 8, 16))
    assert _act(client_for(supervisor_a), requested, "override", {"override-reason": "x"}).status_code == 400
    _act(client_for(front_desk_a), requested, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID})
    assert _act(client_for(front_desk_a), requested, "release").status_code == 302


def test_the_gate_refuses_a_slip_on_another_day(requested, front_desk_a, gate_a, client_for, frozen):
    client = client_for(front_desk_a)
    _act(client, requested, "confirm", {"confirm-method": "in_person", "confirm-id_number": OWNER_ID})
    _act(client, requested, "release")
    requested.refresh_from_db()
    frozen.shift(timedelta(days=1))
    response = client_for(gate_a).post(reverse("lifecycle_gate"), {"number": requested.number})
    assert response.status_code == 400 and "不是今天" in _text(response)


def test_the_gate_sees_only_its_estates_and_may_do_nothing_else(requested, gate_a, client_for, make_user, estate_b):
    from lifecycle.roles import GATE

    other_gate = make_user(GATE, [estate_b], username="gate_b")
    requested.number = "FX20261102-00001"
    requested.status = Release.Status.RELEASED
    requested.save()
    assert client_for(other_gate).get(reverse("lifecycle_gate"), {"number": requested.number}).status_code == 404
    # Wagtail answers a refused admin page with a redirect to the dashboard and a message.
    assert client_for(gate_a).get(reverse("lifecycle_release_new")).status_code in (302, 403)
    assert _act(client_for(gate_a), requested, "cancel").status_code == 403


def test_the_requester_mobile_is_masked_for_the_front_desk(requested, front_desk_a, client_for):
    body = client_for(front_desk_a).get(reverse("lifecycle_release", args=(requested.pk,))).content.decode()
    assert "13700137000" not in body and "137****7000" in body
