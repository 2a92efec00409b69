import pytest
from archives.models import Household, Person, Vehicle, Key, Document


def test_models_and_history(house_a, clerk_a):
    hh = Household(house=house_a)
    hh.people.add(Person(name="张三", mobile="138 0013 8000"))
    hh.vehicles.add(Vehicle(plate="粤b·12345"))
    hh._history_user = clerk_a
    hh.save()
    p = hh.people.get()
    assert p.mobile == "13800138000"
    assert Person.history.filter(household_id=hh.pk).count() == 1
    assert Vehicle.objects.get().plate == "粤B12345"
    k = Key.objects.create(estate=house_a.building.estate, tag="K1", opens_house=house_a)
    assert k.status == Key.Status.IN_CABINET
    d = Document.objects.create(estate=house_a.building.estate, title="t", category="notice", year=2025)
    assert not d.is_out
    assert Household.history.first().history_user == clerk_a


def test_factories(db):
    from archives import factories as f
    p = f.PersonFactory()
    from archives.validators import validate_resident_id, validate_plate
    validate_resident_id(p.id_number)
    validate_plate(f.VehicleFactory().plate)
    f.KeyFactory(); f.SharedRoomKeyFactory(); f.DocumentFactory()
