"""Owner sign-in by SMS code: enumeration-safe, single use, expiring, locked after wrong guesses,
limited per client and per mobile; several households; revoked access; no admin session."""

import pytest
import time_machine
from archives.factories import HouseholdFactory, PersonFactory
from django.test import Client
from django.utils import timezone
from estates.factories import HouseFactory
from owners import services
from owners.models import OwnerToken, ResidentAccess

from tests.owners.conftest import MOBILE_A, last_code

pytestmark = pytest.mark.django_db

UNKNOWN = "13700000009"


def _ask(client, mobile):
    return client.post("/owner/sign-in/", {"mobile": mobile})


def test_the_answer_does_not_tell_whether_a_number_is_registered(owner_a, sms_outbox):
    registered, unknown = Client(), Client()
    r1, r2 = _ask(registered, MOBILE_A), _ask(unknown, UNKNOWN)
    assert r1.status_code == r2.status_code == 302 and r1["Location"] == r2["Location"] == "/owner/sign-in/code/"
    p1, p2 = registered.get("/owner/sign-in/code/"), unknown.get("/owner/sign-in/code/")
    assert p1.status_code == p2.status_code == 200
    strip = lambda r: r.content.decode().split("csrfmiddlewaretoken")[0]  # noqa: E731
    assert strip(p1) == strip(p2)
    # Only the registered number got a code.
    assert [m["to"] for m in sms_outbox] == [MOBILE_A]
    # A wrong code for an unknown number and for a known one: the same 400.
    assert unknown.post("/owner/sign-in/code/", {"code": "123456"}).status_code == 400


def test_a_bad_mobile_gets_the_form_again_with_a_message(db):
    response = _ask(Client(), "12345")
    assert response.status_code == 400 and "11" in response.content.decode()


def test_sign_in_with_the_code_opens_the_portal_once(owner_a, sms_outbox):
    client = Client()
    _ask(client, MOBILE_A)
    code = last_code(sms_outbox)
    response = client.post("/owner/sign-in/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/owner/"
    home = client.get("/owner/")
    assert home.status_code == 200 and "王业主" in home.content.decode()
    # The same code does not work twice (another browser).
    other = Client()
    _ask(other, MOBILE_A)  # a new code replaces the old one anyway; reuse the first
    assert other.post("/owner/sign-in/code/", {"code": code}).status_code == 400


def test_the_code_expires(owner_a, sms_outbox, settings):
    client = Client()
    _ask(client, MOBILE_A)
    code = last_code(sms_outbox)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.ONE_TIME_CODE_TTL_SECONDS + 1)):
        assert client.post("/owner/sign-in/code/", {"code": code}).status_code == 400


def test_wrong_guesses_lock_the_code(owner_a, sms_outbox, settings):
    client = Client()
    _ask(client, MOBILE_A)
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.ONE_TIME_CODE_MAX_ATTEMPTS):
        assert client.post("/owner/sign-in/code/", {"code": wrong}).status_code == 400
    assert client.post("/owner/sign-in/code/", {"code": code}).status_code == 400
    assert client.get("/owner/").status_code == 302


def test_codes_are_limited_per_mobile_silently(owner_a, sms_outbox, settings):
    settings.ONE_TIME_CODE_SEND_LIMIT = (2, 3600)
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, "owner_code": (100, 600)}
    answers = [_ask(Client(), MOBILE_A).status_code for _ in range(4)]
    assert answers == [302] * 4  # the same answer over the limit: nothing told
    assert len(sms_outbox) == 2


def test_asking_is_limited_per_client(owner_a, settings):
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, "owner_code": (3, 600)}
    client = Client()
    statuses = [_ask(client, UNKNOWN).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_the_honeypot_refuses_a_bot(owner_a, sms_outbox):
    response = Client().post("/owner/sign-in/", {"mobile": MOBILE_A, "website": "http://spam"})
    assert response.status_code == 400 and not sms_outbox


def test_a_mobile_on_two_households_chooses_one_of_its_own(owner_a, household_b, sms_outbox):
    second = PersonFactory(household=HouseholdFactory(house=HouseFactory(building=owner_a.household.house.building,
                                                                          room="102")),
                           mobile=MOBILE_A, name="王业主")
    client = Client()
    _ask(client, MOBILE_A)
    response = client.post("/owner/sign-in/code/", {"code": last_code(sms_outbox)})
    assert response["Location"] == "/owner/sign-in/household/"
    assert client.get("/owner/")["Location"] == "/owner/sign-in/household/"
    page = client.get("/owner/sign-in/household/").content.decode()
    assert "101" in page and "102" in page
    # Another household's id is refused.
    assert client.post("/owner/sign-in/household/", {"household": household_b.pk}).status_code == 400
    assert client.post("/owner/sign-in/household/", {"household": second.household_id}).status_code == 302
    assert "102" in client.get("/owner/").content.decode()


def test_revoked_access_cannot_sign_in_and_ends_open_sessions(owner_a, web_for, sms_outbox, supervisor_a):
    client = web_for(owner_a)
    assert client.get("/owner/").status_code == 200
    access = ResidentAccess(person=owner_a, revoked=True, reason="已搬走")
    services.resident_access_save(instance=access, by=supervisor_a)
    assert client.get("/owner/").status_code == 302
    sms_outbox.clear()
    _ask(Client(), MOBILE_A)
    assert not sms_outbox  # no code for a revoked resident, and the same answer


def test_staff_of_another_estate_cannot_revoke(owner_a, clerk_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.resident_access_save(instance=ResidentAccess(person=owner_a, revoked=True), by=clerk_b)


def test_the_owner_session_is_not_an_admin_session(owner_a, web_for):
    client = web_for(owner_a)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_signing_out_revokes_the_token(owner_a, web_for):
    client = web_for(owner_a)
    client.post("/owner/sign-out/")
    assert client.get("/owner/").status_code == 302
    assert OwnerToken.objects.filter(revoked_at__isnull=False).count() == 1


def test_the_api_sign_in(owner_a, sms_outbox):
    api = Client()
    unknown = api.post("/api/owner/v1/code/", {"mobile": UNKNOWN}, content_type="application/json")
    known = api.post("/api/owner/v1/code/", {"mobile": MOBILE_A}, content_type="application/json")
    assert unknown.status_code == known.status_code == 202 and unknown.json() == known.json()
    bad = api.post("/api/owner/v1/token/", {"mobile": MOBILE_A, "code": "99999x"}, content_type="application/json")
    assert bad.status_code == 400
    api.post("/api/owner/v1/code/", {"mobile": MOBILE_A}, content_type="application/json")
    ok = api.post("/api/owner/v1/token/", {"mobile": MOBILE_A, "code": last_code(sms_outbox)},
                  content_type="application/json")
    assert ok.status_code == 201 and ok.json()["household_chosen"] is True
    token = ok.json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/owner/v1/me/")
    assert me.status_code == 200 and me.json()["members"][0]["name"] == "王业主"
    assert Client().get("/api/owner/v1/me/").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/owner/v1/me/").status_code == 401
    # Sign out: the token stops working.
    Client(HTTP_AUTHORIZATION=f"Bearer {token}").delete("/api/owner/v1/token/")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/owner/v1/me/").status_code == 401


def test_an_api_token_expires(owner_a, api_for, settings):
    client = api_for(owner_a)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=settings.OWNERS_API_TOKEN_DAYS, seconds=1)):
        assert client.get("/api/owner/v1/me/").status_code == 401
