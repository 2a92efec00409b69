"""Houses keep field-level history with the acting user, for admin edits and imports alike."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_edit_records_who_changed_what(client_for, supervisor_a, house_a):
    response = client_for(supervisor_a).post(reverse("wagtailsnippets_estates_house:edit", args=[house_a.pk]), {
        "building": house_a.building_id, "unit": house_a.unit, "floor": house_a.floor, "room": house_a.room,
        "area": "99.50", "status": "rented", "use": house_a.use,
    })
    assert response.status_code == 302
    latest = house_a.history.latest()
    assert latest.history_user == supervisor_a
    assert latest.status == "rented"
    delta = latest.diff_against(latest.prev_record)
    assert {c.field for c in delta.changes} == {"area", "status"}
