"""The history page, restoring a version, and deleted records, through the admin."""

import pytest
from archives import services
from archives.factories import DocumentFactory, KeyFactory
from archives.models import Document, Household, Key, Person, Vehicle
from django.urls import reverse
from estates import roles


def history(model, pk):
    return reverse("archives_history", args=(model, pk))


def test_history_shows_who_what_when_before_and_after(client_for, clerk_a, household_a, owner_a):
    services.person_update(person=owner_a, mobile="13911112222", by=clerk_a)
    services.household_update(household=household_a, notes="业主已换车", by=clerk_a)
    response = client_for(clerk_a).get(history(household_a._meta.model_name, household_a.pk))
    body = response.content.decode()
    entries = response.context["entries"]
    # newest first: the household's note, then the owner's mobile (a child shown with its household)
    assert [(e.model_name, e.action) for e in entries[:2]] == [("household", "~"), ("person", "~")]
    mobile_change = entries[1].changes
    assert [(c.field, c.before, c.after) for c in mobile_change] == [("mobile", "13800138000", "13911112222")]
    assert entries[1].user == clerk_a
    assert "13800138000" in body and "13911112222" in body and "业主已换车" in body
    # the creations of the people and the car are there too
    assert {(e.model_name, e.action) for e in entries} >= {("person", "+"), ("vehicle", "+"), ("household", "+")}


def test_snippet_history_link_leads_to_the_field_history(client_for, clerk_a, household_a):
    response = client_for(clerk_a).get(reverse("wagtailsnippets_archives_household:history", args=(household_a.pk,)))
    assert response.status_code == 302 and response.url == history("household", household_a.pk)


def test_edit_view_has_a_history_button(client_for, clerk_a, household_a):
    body = client_for(clerk_a).get(reverse("wagtailsnippets_archives_household:edit", args=(household_a.pk,))).content.decode()
    assert history("household", household_a.pk) in body


@pytest.mark.parametrize("model", ["household", "person", "vehicle", "key", "document"])
def test_history_of_another_estates_record_is_not_found(client_for, clerk_b, household_a, estate_a, model):
    obj = {
        "household": household_a, "person": household_a.people.first(), "vehicle": household_a.vehicles.first(),
        "key": KeyFactory(opens_house=household_a.house), "document": DocumentFactory(estate=estate_a),
    }[model]
    client = client_for(clerk_b)
    assert client.get(history(model, obj.pk)).status_code == 404
    record = obj.history.first()
    restore = reverse("archives_history_restore", args=(model, obj.pk, record.history_id))
    assert client.post(restore).status_code == 404


def test_unknown_record_or_model_is_not_found(client_for, clerk_a):
    assert client_for(clerk_a).get(history("household", 999999)).status_code == 404
    assert client_for(clerk_a).get(history("estate", 1)).status_code == 404


def test_role_without_archive_access_is_refused(make_user, client_for, household_a):
    maintenance = make_user(roles.MAINTENANCE, [household_a.house.building.estate])
    assert client_for(maintenance).get(history("household", household_a.pk)).status_code in (302, 403)


def test_editor_restores_an_earlier_version_which_is_itself_recorded(client_for, clerk_a, household_a, owner_a):
    services.person_update(person=owner_a, mobile="13911112222", by=clerk_a)
    original = Person.history.filter(id=owner_a.pk).order_by("history_date").first()
    client = client_for(clerk_a)
    page = client.get(history("household", household_a.pk)).content.decode()
    restore = reverse("archives_history_restore", args=("person", owner_a.pk, original.history_id))
    assert restore in page
    response = client.post(restore, {"next": history("household", household_a.pk)})
    assert response.status_code == 302 and response.url == history("household", household_a.pk)
    owner_a.refresh_from_db()
    assert owner_a.mobile == "13800138000"
    entries = client.get(history("household", household_a.pk)).context["entries"]
    assert entries[0].user == clerk_a and entries[0].reason
    assert [(c.before, c.after) for c in entries[0].changes] == [("13911112222", "13800138000")]


def test_viewer_sees_history_but_cannot_restore(client_for, secretary_a, clerk_a, household_a, owner_a):
    services.person_update(person=owner_a, name="张大伟", by=clerk_a)
    original = Person.history.filter(id=owner_a.pk).order_by("history_date").first()
    client = client_for(secretary_a)
    response = client.get(history("household", household_a.pk))
    assert response.status_code == 200
    restore = reverse("archives_history_restore", args=("person", owner_a.pk, original.history_id))
    assert restore not in response.content.decode()
    assert client.post(restore).status_code in (302, 403)
    owner_a.refresh_from_db()
    assert owner_a.name == "张大伟"


def test_restore_that_breaks_a_rule_shows_a_message_and_changes_nothing(client_for, clerk_a, household_a):
    vehicle = household_a.vehicles.get()
    services.vehicle_deactivate(vehicle=vehicle, by=clerk_a)
    from archives.factories import HouseholdFactory
    from estates.factories import HouseFactory

    other = HouseholdFactory(house=HouseFactory(building=household_a.house.building))
    services.vehicle_register(household=other, plate="粤B12345", by=clerk_a)
    active = Vehicle.history.filter(id=vehicle.pk, active=True).first()
    response = client_for(clerk_a).post(
        reverse("archives_history_restore", args=("vehicle", vehicle.pk, active.history_id)), follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    vehicle.refresh_from_db()
    assert vehicle.active is False


def test_deleted_household_is_listed_and_restored_with_its_people(client_for, supervisor_a, household_a):
    client = client_for(supervisor_a)
    pk, label = household_a.pk, household_a.house.label
    delete = reverse("wagtailsnippets_archives_household:delete", args=(pk,))
    assert client.post(delete).status_code == 302
    assert not Household.objects.exists() and not Person.objects.exists()
    body = client.get(reverse("archives_deleted")).content.decode()
    assert label in body and "张伟" in body
    assert Household.history.filter(id=pk).first().history_user == supervisor_a
    # the history of the deleted record stays readable
    assert client.get(history("household", pk)).status_code == 200
    response = client.post(reverse("archives_deleted_restore", args=("household", pk)))
    assert response.status_code == 302
    assert Household.objects.filter(pk=pk).exists()
    assert Person.objects.filter(household_id=pk).count() == 2
    assert Vehicle.objects.filter(household_id=pk).count() == 1
    assert not client.get(reverse("archives_deleted")).context["records"]


def test_deleted_key_and_document_restore(client_for, supervisor_a, estate_a, house_a):
    key = KeyFactory(opens_house=house_a, tag="K-DEL")
    document = DocumentFactory(estate=estate_a, title="待恢复的文件")
    client = client_for(supervisor_a)
    for model, obj in (("key", key), ("document", document)):
        assert client.post(reverse(f"wagtailsnippets_archives_{model}:delete", args=(obj.pk,))).status_code == 302
    records = client.get(reverse("archives_deleted"), {"type": "key"}).context["records"]
    assert [(r.model_name, r.object_repr) for r in records] == [("key", "K-DEL")]
    records = client.get(reverse("archives_deleted")).context["records"]
    assert {r.object_repr for r in records} == {"K-DEL", document.reference + " 待恢复的文件"}
    for model, obj in (("key", key), ("document", document)):
        assert client.post(reverse("archives_deleted_restore", args=(model, obj.pk))).status_code == 302
    assert Key.objects.filter(pk=key.pk).exists() and Document.objects.filter(pk=document.pk).exists()


def test_deleted_records_are_estate_scoped(client_for, supervisor_a, clerk_b, household_a):
    pk = household_a.pk
    services.record_delete(instance=household_a, by=supervisor_a)
    client = client_for(clerk_b)
    assert "张伟" not in client.get(reverse("archives_deleted")).content.decode()
    assert client.get(history("household", pk)).status_code == 404
    assert client.post(reverse("archives_deleted_restore", args=("household", pk))).status_code == 404
    assert not Household.objects.exists()


def test_restoring_deleted_records_needs_the_add_permission(client_for, supervisor_a, secretary_a, household_a):
    pk = household_a.pk
    services.record_delete(instance=household_a, by=supervisor_a)
    client = client_for(secretary_a)
    body = client.get(reverse("archives_deleted")).content.decode()
    assert household_a.house.label in body
    assert reverse("archives_deleted_restore", args=("household", pk)) not in body
    assert client.post(reverse("archives_deleted_restore", args=("household", pk))).status_code in (302, 403)
    assert not Household.objects.exists()


def test_archives_menu_offers_deleted_records(client_for, clerk_a, make_user, estate_a):
    body = client_for(clerk_a).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("archives_deleted") in body
    assert reverse("wagtailsnippets_archives_household:list") in body
    nobody = make_user(None, [estate_a])
    assert client_for(nobody).get(reverse("archives_deleted")).status_code in (302, 403)
