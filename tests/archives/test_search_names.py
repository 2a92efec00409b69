"""Name search on SQLite's FTS5 trigram index (archives.name_index) and the prefix ranges, through the
admin listings; and a house typed with separators not probed as part of a mobile."""

import pytest
from archives import name_index
from archives.factories import HouseholdFactory, PersonFactory
from archives.models import Person
from django.db import connection
from django.test.utils import CaptureQueriesContext
from estates.factories import HouseFactory

from tests.archives.test_admin import url

sqlite_only = pytest.mark.skipif(not name_index.usable(connection), reason="the FTS5 index is SQLite's")


def _people(client, query):
    return client.get(url("person", "list"), {"q": query}).content.decode()


@sqlite_only
def test_three_characters_use_the_fts_index(client_for, secretary_a, household_a):
    PersonFactory(household=household_a, name="欧阳明月", mobile="", id_number="")
    with CaptureQueriesContext(connection) as ctx:
        body = _people(client_for(secretary_a), "阳明月")
    assert "欧阳明月" in body and "张伟" not in body
    searches = [q["sql"] for q in ctx.captured_queries if "MATCH" in q["sql"]]
    assert searches and all(name_index.TABLE in sql and "LIKE" not in sql for sql in searches)


@sqlite_only
def test_the_index_follows_bulk_writes_renames_and_deletes(client_for, secretary_a, household_a):
    client = client_for(secretary_a)
    Person.objects.bulk_create([
        Person(household=household_a, name="司马相如", role=Person.Role.FAMILY),
        Person(household=household_a, name="Anna Karenina", role=Person.Role.FAMILY),
    ])
    assert "司马相如" in _people(client, "马相如") and "Anna Karenina" in _people(client, "KAREN")
    Person.objects.filter(name="司马相如").update(name="司徒雷登")
    assert "司马相如" not in _people(client, "马相如") and "司徒雷登" in _people(client, "徒雷登")
    Person.objects.filter(name="司徒雷登").delete()
    household_a.delete()  # cascades to its people
    assert "司徒雷登" not in _people(client, "徒雷登") and "Anna" not in _people(client, "Karen")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH '\"Karen\"'")
        assert cursor.fetchone() == (0,)


@sqlite_only
def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client_for, secretary_a, household_a):
    with connection.cursor() as cursor:
        for trigger in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER {name_index.TABLE}_{trigger}")
    PersonFactory(household=household_a, name="诸葛孔明", mobile="", id_number="")  # not indexed
    name_index.reinstall_after_migrate(using="default")
    assert "诸葛孔明" in _people(client_for(secretary_a), "葛孔明")  # rebuilt from the table
    PersonFactory(household=household_a, name="上官婉儿", mobile="", id_number="")
    assert "上官婉儿" in _people(client_for(secretary_a), "官婉儿")  # triggers back


@pytest.mark.parametrize("query", ['"张伟', '张"伟', "张伟*", "NEAR(a b)", "a:b", "%_\\"])
def test_fts_syntax_in_a_query_is_text(client_for, secretary_a, household_a, query):
    response = client_for(secretary_a).get(url("person", "list"), {"q": query})
    assert response.status_code == 200 and "李娜" not in response.content.decode()


@pytest.mark.parametrize("query", ["zh", "ZH", "Zh", "z"])
def test_a_latin_prefix_of_one_or_two_letters_ignores_case(client_for, secretary_a, household_a, query):
    PersonFactory(household=household_a, name="Zhang Wei", mobile="", id_number="")
    PersonFactory(household=household_a, name="Li Zhen", mobile="", id_number="")
    body = _people(client_for(secretary_a), query)
    assert "Zhang Wei" in body and "Li Zhen" not in body  # a prefix, not an infix


def test_a_chinese_prefix_finds_the_surname_only(client_for, secretary_a, household_a):
    PersonFactory(household=household_a, name="王张三", mobile="", id_number="")
    body = _people(client_for(secretary_a), "张")
    assert "张伟" in body and "王张三" not in body


def test_a_house_with_separators_is_not_part_of_a_mobile(client_for, clerk_a, household_a):
    """"1-2-301" is a house: a person whose mobile holds 12301 is not found by it."""
    building = household_a.house.building
    assert building.name == "1栋"
    house = HouseFactory(building=building, unit="2", room="301")
    PersonFactory(household=HouseholdFactory(house=house), name="钱多多", mobile="", id_number="")
    PersonFactory(household=household_a, name="孙小美", mobile="13812301000", id_number="")
    client = client_for(clerk_a)
    body = _people(client, "1-2-301")
    assert "钱多多" in body and "孙小美" not in body
    # Digits grouped as a mobile is written are still part of one.
    assert "孙小美" in _people(client, "1381-2301") and "孙小美" in _people(client, "12301")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's GIN indexes are PostgreSQL's")
def test_trigram_indexes_keep_a_short_pending_list(db):
    """A GIN index's pending list is read in full by every search; with the default 4 MB limit an
    imported owner list left ~45,000 names there (5 ms per name search instead of 0.1 ms at
    100,000 households). archives.0007 caps it at 256 kB on each trigram index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname LIKE %s", ["%\\_trgm"])
        options = dict(cursor.fetchall())
    assert set(options) >= {"person_name_trgm", "person_mobile_trgm", "person_id_number_trgm", "vehicle_plate_trgm"}
    for name, reloptions in options.items():
        assert "gin_pending_list_limit=256" in (reloptions or []), name
