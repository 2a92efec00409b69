"""Services and database rules of the archives, and the history they write."""

import datetime

import pytest
from archives import services
from archives.factories import (
    DocumentFactory,
    HouseholdFactory,
    KeyFactory,
    PersonFactory,
    VehicleFactory,
)
from archives.models import Document, Household, Key, Person, Vehicle
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from estates import roles
from estates.factories import BuildingFactory, HouseFactory


def test_household_create_with_people_and_vehicles_records_the_user(house_a, clerk_a):
    household = services.household_create(
        house=house_a, by=clerk_a,
        people=[{"name": "张伟", "role": "owner", "mobile": "138 0013 8000"},
                {"name": "李娜", "role": "family", "relationship": "配偶"}],
        vehicles=[{"plate": "粤b12345"}],
    )
    assert household.people.count() == 2
    assert household.vehicles.get().plate == "粤B12345"
    assert household.people.get(role="owner").mobile == "13800138000"
    for model in (Household, Person, Vehicle):
        assert {h.history_user for h in model.history.all()} == {clerk_a}
        assert {h.history_type for h in model.history.all()} == {"+"}


def test_one_household_per_house(household_a, clerk_a):
    with pytest.raises(ValidationError):
        services.household_create(house=household_a.house, by=clerk_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(house=household_a.house)


def test_household_create_is_all_or_nothing(house_a, clerk_a):
    with pytest.raises(ValidationError):
        services.household_create(house=house_a, by=clerk_a, people=[{"name": "x", "mobile": "123"}])
    assert not Household.objects.exists()
    assert not Household.history.exists()


def test_plate_unique_among_active_vehicles(household_a, house_b, clerk_a):
    other = HouseholdFactory(house=HouseFactory(building=household_a.house.building))
    with pytest.raises(ValidationError) as exc:
        services.vehicle_register(household=other, plate="粤B12345", by=clerk_a)
    assert "plate" in str(exc.value) or exc.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.create(household=other, plate="粤B12345")
    # once the old car is inactive, the plate may be registered again
    services.vehicle_deactivate(vehicle=household_a.vehicles.get(), by=clerk_a)
    services.vehicle_register(household=other, plate="粤B12345", by=clerk_a)
    assert Vehicle.objects.filter(plate="粤B12345").count() == 2


def test_key_tag_unique_within_an_estate_only(estate_a, estate_b, clerk_a, clerk_b):
    services.key_create(estate=estate_a, tag="K-1", opens_room="水泵房", by=clerk_a)
    with pytest.raises(ValidationError):
        services.key_create(estate=estate_a, tag="K-1", opens_room="屋顶", by=clerk_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Key.objects.create(estate=estate_a, tag="K-1", opens_room="屋顶")
    services.key_create(estate=estate_b, tag="K-1", opens_room="屋顶", by=clerk_b)


def test_a_clerk_cannot_write_another_estates_archive(estate_b, clerk_a):
    with pytest.raises(PermissionDenied):
        services.key_create(estate=estate_b, tag="K-1", opens_room="屋顶", by=clerk_a)
    assert not Key.objects.exists()


def test_database_refuses_a_key_that_opens_nothing(estate_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Key.objects.create(estate=estate_a, tag="K-9")


def test_key_statuses_are_the_agreed_values():
    assert set(Key.Status.values) == {"in_cabinet", "lent_out", "lost", "retired"}


def test_document_reference_unique_per_estate_when_given(estate_a, estate_b, clerk_a, clerk_b):
    services.document_create(estate=estate_a, title="a", category="notice", year=2026, reference="WY-1", by=clerk_a)
    with pytest.raises(ValidationError):
        services.document_create(estate=estate_a, title="b", category="notice", year=2026, reference="WY-1", by=clerk_a)
    services.document_create(estate=estate_b, title="c", category="notice", year=2026, reference="WY-1", by=clerk_b)
    # blank references do not collide
    services.document_create(estate=estate_a, title="d", category="letter", year=2026, by=clerk_a)
    services.document_create(estate=estate_a, title="e", category="letter", year=2026, by=clerk_a)
    assert Document.objects.filter(estate=estate_a, reference="").count() == 2


def test_document_is_not_out_by_default(estate_a):
    assert DocumentFactory(estate=estate_a).is_out is False


def test_field_change_is_recorded_with_before_and_after(owner_a, clerk_a):
    services.person_update(person=owner_a, mobile="13911112222", by=clerk_a)
    last = Person.history.filter(id=owner_a.pk).first()
    delta = last.diff_against(last.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("mobile", "13800138000", "13911112222")]
    assert last.history_user == clerk_a


def test_saving_without_a_change_writes_no_history(owner_a):
    before = Person.history.count()
    person = Person.objects.get(pk=owner_a.pk)
    person.save()
    assert Person.history.count() == before
    person.name = "张大伟"
    person.save()
    assert Person.history.count() == before + 1


def test_restore_an_earlier_version_is_a_new_history_entry(owner_a, clerk_a, supervisor_a):
    services.person_update(person=owner_a, mobile="13911112222", name="张大伟", by=clerk_a)
    first = Person.history.filter(id=owner_a.pk).order_by("history_date", "history_id").first()
    services.record_restore(historical=first, by=supervisor_a)
    owner_a.refresh_from_db()
    assert (owner_a.name, owner_a.mobile) == ("张伟", "13800138000")
    latest = Person.history.filter(id=owner_a.pk).first()
    assert latest.history_user == supervisor_a and latest.history_type == "~"
    assert "Restored" in latest.history_change_reason or "恢复" in latest.history_change_reason
    assert Person.history.filter(id=owner_a.pk).count() == 3


def test_restore_refuses_a_version_that_breaks_a_rule_now(household_a, clerk_a):
    vehicle = household_a.vehicles.get()
    services.vehicle_deactivate(vehicle=vehicle, by=clerk_a)
    other = HouseholdFactory(house=HouseFactory(building=household_a.house.building))
    services.vehicle_register(household=other, plate="粤B12345", by=clerk_a)
    active_version = Vehicle.history.filter(id=vehicle.pk, active=True).first()
    with pytest.raises(ValidationError):
        services.record_restore(historical=active_version, by=clerk_a)
    vehicle.refresh_from_db()
    assert vehicle.active is False


def test_deleted_household_comes_back_with_its_people_and_vehicles(household_a, supervisor_a):
    pk = household_a.pk
    people = set(household_a.people.values_list("pk", "name", "mobile"))
    services.record_delete(instance=household_a, by=supervisor_a)
    assert not Person.objects.exists()
    deletion = Household.history.filter(id=pk).first()
    assert deletion.history_type == "-" and deletion.history_user == supervisor_a
    restored = services.deleted_restore(model=Household, object_id=pk, by=supervisor_a)
    assert restored.pk == pk
    assert set(Person.objects.values_list("pk", "name", "mobile")) == people
    assert Vehicle.objects.get().plate == "粤B12345"
    assert Household.history.filter(id=pk).first().history_type == "+"


def test_a_deleted_person_needs_its_household(household_a, supervisor_a):
    person = household_a.people.first()
    services.record_delete(instance=household_a, by=supervisor_a)
    with pytest.raises(ValidationError):
        services.deleted_restore(model=Person, object_id=person.pk, by=supervisor_a)


def test_restoring_a_record_that_exists_is_refused(owner_a, supervisor_a):
    with pytest.raises(ValidationError):
        services.deleted_restore(model=Person, object_id=owner_a.pk, by=supervisor_a)


def test_house_with_a_household_cannot_be_deleted(household_a):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        household_a.house.delete()


def test_key_restore_keeps_todays_lending_state(estate_a, clerk_a):
    key = KeyFactory(opens_house=HouseFactory(building=BuildingFactory(estate=estate_a)))
    services.key_update(key=key, cabinet="B", by=clerk_a)
    Key.objects.filter(pk=key.pk).update(status=Key.Status.LENT_OUT)  # as the lending app does
    first = Key.history.filter(id=key.pk).order_by("history_date", "history_id").first()
    services.record_restore(historical=first, by=clerk_a)
    key.refresh_from_db()
    assert key.cabinet == "A" and key.status == Key.Status.LENT_OUT


def test_history_user_from_an_import_or_task_is_the_given_user(house_a, make_user):
    importer = make_user(roles.CLERK, [house_a.building.estate], username="importer")
    household = services.household_create(house=house_a, by=importer)
    assert household.history.first().history_user == importer
    # Someone without the archive rights (or the estate) is refused by the service itself.
    with pytest.raises(PermissionDenied):
        services.household_update(household=household, notes="x", by=make_user(None, [], username="nobody"))


def test_vehicle_factory_and_person_factory_make_valid_rows(household_a):
    PersonFactory(household=household_a).full_clean()
    VehicleFactory(household=household_a).full_clean()
    assert datetime.date.today()
