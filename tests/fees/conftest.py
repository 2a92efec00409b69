"""Fixtures of the fees tests: an estate with a property fee and a parking fee, and its houses."""

import datetime as dt
from decimal import Decimal

import pytest
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import House
from fees.factories import FeeItemFactory, FeeRateFactory
from fees.models import FeeItem


@pytest.fixture
def property_fee(estate_a):
    item = FeeItemFactory(estate=estate_a, name="物业服务费", kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA,
                          applies_to_use=House.Use.RESIDENTIAL)
    FeeRateFactory(fee_item=item, amount=Decimal("2.5000"), valid_from=dt.date(2020, 1, 1))
    return item


@pytest.fixture
def parking_fee(estate_a):
    item = FeeItemFactory(estate=estate_a, name="停车费", kind=FeeItem.Kind.PARKING, basis=FeeItem.Basis.FIXED,
                          applies_to_use=House.Use.PARKING, unit_label="车位")
    FeeRateFactory(fee_item=item, amount=Decimal("300.0000"), valid_from=dt.date(2020, 1, 1))
    return item


@pytest.fixture
def building_a(estate_a):
    return BuildingFactory(estate=estate_a, name="2栋")


@pytest.fixture
def make_house(building_a):
    counter = iter(range(1, 10_000))

    def _make(area="100.00", use=House.Use.RESIDENTIAL, **fields):
        n = next(counter)
        return HouseFactory(building=building_a, unit="1", room=f"{n:04d}", floor=1, area=Decimal(area), use=use, **fields)

    return _make


@pytest.fixture
def steward_a(make_user, estate_a):
    return make_user(roles.STEWARD, [estate_a], username="steward_a")


@pytest.fixture
def manager_a(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


@pytest.fixture
def frontdesk_a(make_user, estate_a):
    return make_user(roles.FRONT_DESK, [estate_a], username="frontdesk_a")


@pytest.fixture
def secretary_a(make_user, estate_a):
    return make_user(roles.SECRETARY, [estate_a], username="secretary_a")
