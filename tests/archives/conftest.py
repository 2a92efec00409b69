"""Fixtures of the archives tests: a household file in estate A with an owner, family and a car."""

import pytest
from archives.factories import HouseholdFactory, PersonFactory, VehicleFactory, resident_id
from archives.models import Person
from estates import roles

OWNER_MOBILE = "13800138000"
OWNER_ID = resident_id(7)


@pytest.fixture
def household_a(house_a):
    household = HouseholdFactory(house=house_a)
    PersonFactory(household=household, name="张伟", role=Person.Role.OWNER, mobile=OWNER_MOBILE, id_number=OWNER_ID)
    PersonFactory(household=household, name="李娜", role=Person.Role.FAMILY, relationship="配偶",
                  mobile="13900139000", id_number=resident_id(8))
    VehicleFactory(household=household, plate="粤B12345")
    return household


@pytest.fixture
def owner_a(household_a):
    return household_a.people.get(role=Person.Role.OWNER)


@pytest.fixture
def household_b(house_b):
    household = HouseholdFactory(house=house_b)
    PersonFactory(household=household, name="王芳", role=Person.Role.OWNER, mobile="13700137000")
    return household


@pytest.fixture
def secretary_a(make_user, estate_a):
    return make_user(roles.SECRETARY, [estate_a], username="secretary_a")


@pytest.fixture
def steward_a(make_user, estate_a):
    return make_user(roles.STEWARD, [estate_a], username="steward_a")


@pytest.fixture
def front_desk_a(make_user, estate_a):
    return make_user(roles.FRONT_DESK, [estate_a], username="front_desk_a")


@pytest.fixture
def maintenance_a(make_user, estate_a):
    return make_user(roles.MAINTENANCE, [estate_a], username="maintenance_a")


@pytest.fixture
def manager_a(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


def household_post_data(household, *, people=None, vehicles=None, **fields):
    """The POST data of the household edit form, with the current people and vehicles unless given."""
    data = {"house": household.house_id, "notes": household.notes, **fields}
    people = people if people is not None else [
        {"id": p.pk, "name": p.name, "role": p.role, "relationship": p.relationship, "mobile": p.mobile,
         "id_type": p.id_type, "id_number": p.id_number, "move_in": p.move_in or "",
         "lease_start": p.lease_start or "", "lease_end": p.lease_end or "", "notes": p.notes}
        for p in household.people.order_by("pk")
    ]
    vehicles = vehicles if vehicles is not None else [
        {"id": v.pk, "plate": v.plate, "vehicle_type": v.vehicle_type, "colour": v.colour,
         "parking_space": v.parking_space, "permit_number": v.permit_number,
         "permit_valid_from": v.permit_valid_from or "", "permit_valid_to": v.permit_valid_to or "",
         "active": "on" if v.active else ""}
        for v in household.vehicles.order_by("pk")
    ]
    for prefix, rows in (("people", people), ("vehicles", vehicles)):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = sum(1 for r in rows if r.get("id"))
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key == "active" and not value:
                    continue
                data[f"{prefix}-{i}-{key}"] = "" if value is None else value
    return data
