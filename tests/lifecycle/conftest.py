"""Fixtures of the desk procedure tests: estate A's staff of each role, an owner on file, a fee item."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from archives.factories import HouseholdFactory, PersonFactory
from estates import roles
from fees.factories import FeeItemFactory, FeeRateFactory
from lifecycle.roles import GATE

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 2026-11-02 09:00 in Shanghai.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
OWNER_ID = "110101199003074514"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def front_desk_a(make_user, estate_a):
    return make_user(roles.FRONT_DESK, [estate_a], username="front_a")


@pytest.fixture
def steward_a(make_user, estate_a):
    return make_user(roles.STEWARD, [estate_a], username="steward_a")


@pytest.fixture
def gate_a(make_user, estate_a):
    return make_user(GATE, [estate_a], username="gate_a")


@pytest.fixture
def owner_on_file(house_a):
    household = HouseholdFactory(house=house_a)
    return PersonFactory(household=household, name="王芳", mobile="13912345678", id_number=OWNER_ID)


@pytest.fixture
def fee_item_a(estate_a):
    item = FeeItemFactory(estate=estate_a, name="物业服务费")
    FeeRateFactory(fee_item=item, amount=Decimal("2.5000"))
    return item
