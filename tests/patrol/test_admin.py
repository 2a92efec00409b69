"""Checkpoints, their QR label and plans in the admin; rounds and hazards listed per estate."""

import pytest
from django.urls import reverse
from estates import roles
from patrol.factories import CheckpointFactory, HazardFactory, PatrolRoundFactory
from patrol.models import ChecklistItem, Checkpoint, PatrolPlan
from patrol.views import scan_url

pytestmark = pytest.mark.django_db


def test_label_page_has_a_qr_code_of_the_scan_link(pump_room, steward_a, client_for, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://desk.example.com"
    response = client_for(steward_a).get(reverse("patrol_label", args=(pump_room.pk,)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "水泵房" in html and "水泵运行正常" in html
    assert scan_url(pump_room) == f"https://desk.example.com/admin/patrol/c/{pump_room.token}/"
    assert scan_url(pump_room) in html
    assert "http" not in html.replace(scan_url(pump_room), "").replace("http://www.w3.org", "")  # no other host


def test_label_and_scan_of_another_estate_are_404(pump_room, steward_b, client_for):
    client = client_for(steward_b)
    assert client.get(reverse("patrol_label", args=(pump_room.pk,))).status_code == 404
    assert client.get(reverse("patrol_scan", args=(pump_room.token,))).status_code == 404


def test_checkpoint_created_with_its_checklist(supervisor_a, estate_a, client_for):
    data = {
        "estate": estate_a.pk, "name": "配电房", "kind": "meter_room", "location": "B1", "active": "on",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-text": "电表箱门锁完好", "items-0-category": "safety", "items-0-ORDER": "1", "items-0-DELETE": "",
        "items-0-id": "", "items-1-text": "无杂物", "items-1-category": "cleanliness", "items-1-ORDER": "2",
        "items-1-DELETE": "", "items-1-id": "",
    }
    response = client_for(supervisor_a).post(reverse("wagtailsnippets_patrol_checkpoint:add"), data)
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get(name="配电房")
    assert list(checkpoint.items.values_list("text", flat=True)) == ["电表箱门锁完好", "无杂物"]
    assert checkpoint.history.count() == 1


def test_stewards_do_not_edit_checkpoints_and_listings_are_scoped(pump_room, steward_a, estate_b, client_for):
    CheckpointFactory(estate=estate_b, name="别家水泵房")
    client = client_for(steward_a)
    listing = client.get(reverse("wagtailsnippets_patrol_checkpoint:list")).content.decode()
    assert "水泵房" in listing and "别家水泵房" not in listing
    assert client.get(reverse("wagtailsnippets_patrol_checkpoint:add")).status_code == 302  # no permission
    assert not ChecklistItem.objects.filter(text="x").exists()


def _plan_data(estate, checkpoint, **overrides):
    data = {
        "estate": estate.pk, "name": "夜间巡查", "frequency": "daily", "weekdays": "", "day_of_month": "",
        "window_start": "22:00", "window_end": "06:00", "starts_on": "2026-11-01", "responsible_role": roles.STEWARD,
        "responsible_user": "", "active": "on",
        "stops-TOTAL_FORMS": "1", "stops-INITIAL_FORMS": "0", "stops-MIN_NUM_FORMS": "1", "stops-MAX_NUM_FORMS": "1000",
        "stops-0-checkpoint": checkpoint.pk, "stops-0-ORDER": "1", "stops-0-DELETE": "", "stops-0-id": "",
    }
    data.update(overrides)
    return data


def test_plan_created_with_its_route(supervisor_a, estate_a, pump_room, client_for):
    response = client_for(supervisor_a).post(reverse("wagtailsnippets_patrol_patrolplan:add"), _plan_data(estate_a, pump_room))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = PatrolPlan.objects.get(name="夜间巡查")
    assert [s.checkpoint for s in plan.stops.all()] == [pump_room]


@pytest.mark.parametrize("overrides", [
    {"frequency": "weekly", "weekdays": "135"},
    {"frequency": "weekdays", "weekdays": ""},
    {"frequency": "weekdays", "weekdays": "89"},
    {"frequency": "monthly", "day_of_month": ""},
    {"window_end": "22:00"},
])
def test_bad_plans_are_refused(supervisor_a, estate_a, pump_room, client_for, overrides):
    response = client_for(supervisor_a).post(
        reverse("wagtailsnippets_patrol_patrolplan:add"), _plan_data(estate_a, pump_room, **overrides)
    )
    assert response.status_code == 200  # the form again, with its message
    assert not PatrolPlan.objects.filter(name="夜间巡查").exists()


def test_a_route_cannot_use_another_estates_checkpoint(supervisor_a, estate_a, estate_b, client_for):
    foreign = CheckpointFactory(estate=estate_b, name="别家")
    response = client_for(supervisor_a).post(
        reverse("wagtailsnippets_patrol_patrolplan:add"), _plan_data(estate_a, foreign)
    )
    assert response.status_code == 200
    assert not PatrolPlan.objects.exists()


def test_round_and_hazard_listings_link_to_their_pages(plan, supervisor_a, client_for, estate_b):
    r = PatrolRoundFactory(plan=plan)
    h = HazardFactory(estate=plan.estate)
    HazardFactory(estate=estate_b, place="别家车库")
    client = client_for(supervisor_a)
    rounds = client.get(reverse("wagtailsnippets_patrol_patrolround:list")).content.decode()
    assert reverse("patrol_round", args=(r.pk,)) in rounds
    hazards = client.get(reverse("wagtailsnippets_patrol_hazard:list")).content.decode()
    assert reverse("patrol_hazard", args=(h.pk,)) in hazards and "别家车库" not in hazards
    edit = client.get(reverse("wagtailsnippets_patrol_hazard:edit", args=(h.pk,)))
    assert edit.status_code == 302 and edit["Location"] == reverse("patrol_hazard", args=(h.pk,))


def test_the_responsible_person_works_in_the_plans_estate(supervisor_a, estate_a, pump_room, steward_b, client_for):
    client = client_for(supervisor_a)
    form_page = client.get(reverse("wagtailsnippets_patrol_patrolplan:add")).content.decode()
    assert "steward_b" not in form_page  # another estate's staff are not offered
    response = client.post(reverse("wagtailsnippets_patrol_patrolplan:add"),
                           _plan_data(estate_a, pump_room, responsible_user=steward_b.pk))
    assert response.status_code == 200
    assert not PatrolPlan.objects.exists()
