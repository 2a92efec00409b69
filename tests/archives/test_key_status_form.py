"""The key form never sets or clears "lent out": only the borrowing register does."""

import pytest
from archives.factories import SharedRoomKeyFactory as KeyFactory
from archives.models import Key
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _post(client, key, status):
    return client.post(reverse("wagtailsnippets_archives_key:edit", args=[key.pk]), {
        "estate": key.estate_id, "tag": key.tag, "opens_house": key.opens_house_id or "",
        "opens_room": key.opens_room, "cabinet": key.cabinet, "slot": key.slot,
        "copies": key.copies, "status": status, "notes": key.notes,
    })


def test_form_cannot_mark_a_key_lent_out(client_for, supervisor_a, estate_a):
    key = KeyFactory(estate=estate_a, status=Key.Status.IN_CABINET)
    response = _post(client_for(supervisor_a), key, Key.Status.LENT_OUT)
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    key.refresh_from_db()
    assert key.status == Key.Status.IN_CABINET


def test_form_cannot_put_a_lent_out_key_back_in_the_cabinet(client_for, supervisor_a, estate_a):
    key = KeyFactory(estate=estate_a, status=Key.Status.LENT_OUT)
    _post(client_for(supervisor_a), key, Key.Status.IN_CABINET)
    key.refresh_from_db()
    assert key.status == Key.Status.LENT_OUT


def test_form_may_retire_a_key_in_the_cabinet(client_for, supervisor_a, estate_a):
    key = KeyFactory(estate=estate_a, status=Key.Status.IN_CABINET)
    response = _post(client_for(supervisor_a), key, Key.Status.RETIRED)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    key.refresh_from_db()
    assert key.status == Key.Status.RETIRED
