"""Fixtures of the service desk tests: desk staff of estate A and a frozen clock."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from servicedesk import services

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 2026-11-02 09:00 in Shanghai: every clock test starts here.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    """A controllable clock: frozen.move_to(dt) jumps; starts at T0."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def frontdesk_a(make_user, estate_a):
    return make_user(roles.FRONT_DESK, [estate_a], username="frontdesk_a")


@pytest.fixture
def maintenance_a(make_user, estate_a):
    return make_user(roles.MAINTENANCE, [estate_a], username="maint_a")


@pytest.fixture
def maintenance_b(make_user, estate_b):
    return make_user(roles.MAINTENANCE, [estate_b], username="maint_b")


@pytest.fixture
def manager_a(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


@pytest.fixture
def house_a2(estate_a):
    return HouseFactory(building=BuildingFactory(estate=estate_a, name="2栋"), unit="1", room="201", floor=2)


@pytest.fixture
def intake(clerk_a, house_a):
    """intake(**overrides) → a repair of house_a recorded by clerk_a."""

    def _intake(**kwargs):
        fields = {
            "estate": house_a.building.estate, "kind": "repair", "house": house_a,
            "contact_name": "王先生", "contact_mobile": "138 0013 8000",
            "description": "卫生间漏水", "by": clerk_a,
        }
        fields.update(kwargs)
        return services.ticket_intake(**fields)

    return _intake
