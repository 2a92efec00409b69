"""Archive search by identifiers, houses and names (archives.search), through the admin listings."""

import pytest
from archives.factories import HouseholdFactory, PersonFactory, VehicleFactory
from archives.search import parse_house
from django.db import connection
from django.test.utils import CaptureQueriesContext
from estates.factories import BuildingFactory, HouseFactory

from tests.archives.conftest import OWNER_ID
from tests.archives.test_admin import url


@pytest.fixture
def other_household(household_a):
    """A household of the same estate in 2栋-2单元-302 whose owner no query below should find."""
    building = BuildingFactory(estate=household_a.house.building.estate, name="2栋")
    household = HouseholdFactory(house=HouseFactory(building=building, unit="2", room="302"))
    PersonFactory(household=household, name="赵敏", mobile="13600136000", id_number="")
    VehicleFactory(household=household, plate="粤C54321")
    return household


@pytest.mark.parametrize("query", ["1-1-101", "1栋1单元101", "1栋-1单元-101", "1栋 1单元 101", "1号楼1单元101室", "1-101"])
def test_a_house_in_the_forms_clerks_type(client_for, secretary_a, household_a, other_household, query):
    client = client_for(secretary_a)
    body = client.get(url("household", "list"), {"q": query}).content.decode()
    assert household_a.house.label in body and "赵敏" not in body, query
    body = client.get(url("person", "list"), {"q": query}).content.decode()
    assert "张伟" in body and "李娜" in body and "赵敏" not in body, query
    body = client.get(url("vehicle", "list"), {"q": query}).content.decode()
    assert "粤B12345" in body and "粤C54321" not in body, query


def test_a_building_finds_its_households(client_for, secretary_a, household_a, other_household):
    body = client_for(secretary_a).get(url("household", "list"), {"q": "2栋"}).content.decode()
    assert other_household.house.label in body and household_a.house.label not in body


@pytest.mark.parametrize("query", ["张伟", "张", "ZHANG WEI"])
def test_a_name_finds_the_person_household_and_vehicles(client_for, secretary_a, household_a, other_household, query):
    if query.isascii():
        PersonFactory(household=household_a, name="Zhang Wei", mobile="", id_number="")
    client = client_for(secretary_a)
    assert household_a.house.label in client.get(url("household", "list"), {"q": query}).content.decode()
    assert "赵敏" not in client.get(url("person", "list"), {"q": query}).content.decode()
    body = client.get(url("vehicle", "list"), {"q": query}).content.decode()
    assert "粤B12345" in body and "粤C54321" not in body


def test_three_characters_of_a_name_match_anywhere_in_it(client_for, secretary_a, household_a):
    PersonFactory(household=household_a, name="欧阳明月", mobile="", id_number="")
    body = client_for(secretary_a).get(url("person", "list"), {"q": "阳明月"}).content.decode()
    assert "欧阳明月" in body and "张伟" not in body


@pytest.mark.parametrize("model", ["household", "person", "vehicle"])
def test_a_full_id_number_finds_for_every_role_part_of_one_only_unmasked(client_for, clerk_a, secretary_a,
                                                                          household_a, other_household, model):
    found = {"household": household_a.house.label, "person": "张伟", "vehicle": "粤B12345"}[model]
    assert found in client_for(secretary_a).get(url(model, "list"), {"q": OWNER_ID}).content.decode()
    part = OWNER_ID[6:14]
    assert found in client_for(clerk_a).get(url(model, "list"), {"q": part}).content.decode()
    assert found not in client_for(secretary_a).get(url(model, "list"), {"q": part}).content.decode()


def test_a_full_mobile_finds_vehicles_for_a_masked_role(client_for, secretary_a, household_a, other_household):
    body = client_for(secretary_a).get(url("vehicle", "list"), {"q": "13600136000"}).content.decode()
    assert "粤C54321" in body and "粤B12345" not in body
    body = client_for(secretary_a).get(url("vehicle", "list"), {"q": "13600"}).content.decode()
    assert "粤C54321" not in body


def test_part_of_a_plate(client_for, secretary_a, household_a, other_household):
    body = client_for(secretary_a).get(url("vehicle", "list"), {"q": "C543"}).content.decode()
    assert "粤C54321" in body and "粤B12345" not in body


def test_nothing_matches_an_empty_page_not_an_error(client_for, secretary_a, household_a):
    for query in ("单元", "%_\\", "x" * 300, "1-2-3-4-5"):
        response = client_for(secretary_a).get(url("household", "list"), {"q": query})
        assert response.status_code == 200 and household_a.house.label not in response.content.decode()


def test_branches_are_one_union_not_an_or_over_joins(client_for, clerk_a, household_a):
    """Each branch keeps its own index: the listing filters by one ``IN (… UNION …)``."""
    with CaptureQueriesContext(connection) as ctx:
        client_for(clerk_a).get(url("household", "list"), {"q": "张伟"})
        client_for(clerk_a).get(url("household", "list"), {"q": "1栋-1单元-101"})
    sqls = [q["sql"] for q in ctx.captured_queries]
    # The name branch: LIKE on the trigram index (PostgreSQL), a prefix range (SQLite).
    by_name = [sql for sql in sqls if "archives_person" in sql and ("LIKE" in sql or '"name" >=' in sql)]
    by_house = [sql for sql in sqls if '"room" IN' in sql and "UNION" in sql]
    assert by_name and by_house
    assert all(" OR " not in sql for sql in by_name + by_house)


@pytest.mark.parametrize(("query", "parsed"), [
    ("1-2-301", ("1", "2", "301")),
    ("1栋2单元301", ("1", "2", "301")),
    ("3栋-1单元-101", ("3", "1", "101")),
    ("12号楼 3单元 1201室", ("12", "3", "1201")),
    ("1栋301", ("1", None, "301")),
    ("2单元301", (None, "2", "301")),
    ("3栋", ("3", None, None)),
    ("301", (None, None, "301")),
    ("张伟", None),
    ("1-2-3-4", None),
])
def test_parse_house(query, parsed):
    assert parse_house(query) == parsed
