"""Fixtures of the owner portal: two households (estate A and B) with their owners, a signed-in
web client and API token per owner, and helpers to read the SMS code."""

import io
import re

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from django.test import Client
from owners import services
from owners.models import OwnerToken

MOBILE_A = "13900000001"
MOBILE_B = "13900000002"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def last_code(sms_outbox, to=None) -> str:
    texts = [m["text"] for m in sms_outbox if to is None or m["to"] == to]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def upload(name="leak.png", data=PNG):
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture
def household_a(house_a):
    return HouseholdFactory(house=house_a)


@pytest.fixture
def household_b(house_b):
    return HouseholdFactory(house=house_b)


@pytest.fixture
def owner_a(household_a):
    return PersonFactory(household=household_a, name="王业主", mobile=MOBILE_A, id_number="110101199003074515")


@pytest.fixture
def owner_b(household_b):
    return PersonFactory(household=household_b, name="李业主", mobile=MOBILE_B)


def _sign_in(mobile, sms_outbox, kind=OwnerToken.Kind.WEB):
    services.code_request(mobile=mobile)
    raw, token = services.sign_in(mobile=mobile, code=last_code(sms_outbox, mobile), kind=kind)
    return raw, token


@pytest.fixture
def web_for(sms_outbox):
    """web_for(person) → a test client signed in to the owner portal as that person."""

    def _client(person):
        raw, _token = _sign_in(person.mobile, sms_outbox)
        client = Client()
        session = client.session
        session["owner_token"] = raw
        session.save()
        return client

    return _client


@pytest.fixture
def api_for(sms_outbox):
    """api_for(person) → a test client sending that person's API token."""

    def _client(person):
        raw, _token = _sign_in(person.mobile, sms_outbox, kind=OwnerToken.Kind.API)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _client
