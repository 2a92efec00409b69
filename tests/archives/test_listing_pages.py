"""Big listings (issue 21): the households' listing keys kept by the database, pages read by id,
an estimated count above the threshold, and pages past the end.

The estimate itself is PostgreSQL's (``DATABASE_URL=postgres://…``); the paginator's handling of
an estimate that is too high or too low is tested on every backend with the estimate replaced.
"""

import random
import re

import pytest
from archives.models import Household, Person
from django.db import connection
from django.test.utils import CaptureQueriesContext
from estates import paginator as listing_paginator
from estates.demo import build_houses
from estates.factories import BuildingFactory, HouseFactory
from estates.models import House
from estates.paginator import ListingPaginator, approximate

from tests.support.plans import query_plan

URL = "/admin/snippets/archives/household/"
PEOPLE_URL = "/admin/snippets/archives/person/"


def _households(estate, count):
    """``count`` households in one estate, written in bulk (as imports and benchmarks do)."""
    build_houses(estate=estate, count=count, rng=random.Random(1))
    houses = House.objects.filter(building__estate=estate).order_by("pk")
    Household.objects.bulk_create([Household(house=house) for house in houses])
    return Household.objects.filter(house__building__estate=estate)


def _labels(response):
    """The house labels listed, in order (e.g. 1栋-1单元-101)."""
    return re.findall(r'_title">(\d+栋-\d单元-\d+)<', response.content.decode())


def _expected_labels(estate):
    houses = House.objects.filter(building__estate=estate).select_related("building")
    return [h.label for h in sorted(houses, key=lambda h: (h.building.name, h.unit, h.room))]


# --- The keys -----------------------------------------------------------------------------------
def _speaks(user, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def _keys(household):
    return Household.objects.filter(pk=household.pk).values_list("listing_estate_id", "sort_key").get()


def test_every_write_path_keeps_the_listing_keys(estate_a, estate_b, house_a):
    household = Household.objects.create(house=house_a)
    assert _keys(household) == (estate_a.pk, "1栋\x1f1\x1f101")
    # bulk_create (imports, demo data) passes no save(): the database fills the keys.
    other = HouseFactory(building=house_a.building, unit="2", room="202", floor=2)
    [bulk] = Household.objects.bulk_create([Household(house=other)])
    assert _keys(bulk) == (estate_a.pk, "1栋\x1f2\x1f202")
    # The house's room changes, the building is renamed, the house moves to another estate.
    house_a.room = "102"
    house_a.save()
    assert _keys(household) == (estate_a.pk, "1栋\x1f1\x1f102")
    building = house_a.building
    building.name = "10栋"
    building.save()
    assert _keys(household)[1] == "10栋\x1f1\x1f102" and _keys(bulk)[1] == "10栋\x1f2\x1f202"
    House.objects.filter(pk=house_a.pk).update(building=BuildingFactory(estate=estate_b, name="3栋"))
    assert _keys(household) == (estate_b.pk, "3栋\x1f1\x1f102")
    # An instance saved again (it never saw the keys the database wrote) keeps them.
    household.notes = "钥匙在物业"
    household.save()
    assert _keys(household) == (estate_b.pk, "3栋\x1f1\x1f102")


def test_the_keys_are_not_history(client_for, clerk_a, estate_a, house_a):
    household = Household.objects.create(house=house_a)
    house_a.room = "102"
    house_a.save()
    assert household.history.count() == 1
    assert not hasattr(household.history.model, "sort_key")


# --- The household listing ----------------------------------------------------------------------
def test_pages_list_households_by_building_unit_and_room_to_the_last(client_for, clerk_a, estate_a, estate_b):
    _households(estate_a, 120)
    _households(estate_b, 10)  # another estate's households are never listed
    client = client_for(clerk_a)
    expected = _expected_labels(estate_a)
    seen = []
    for page in (1, 2, 3):
        response = client.get(URL, {"p": page})
        assert response.status_code == 200
        seen += _labels(response)
    assert seen == expected  # 50 + 50 + 20, in order, none twice, none of estate B
    # Past the end and nonsense: the last page or the first, never an error.
    assert _labels(client.get(URL, {"p": 99})) == expected[100:]
    assert _labels(client.get(URL, {"p": "x"})) == expected[:50]
    assert _labels(client.get(URL, {"p": -1})) == expected[100:]


def test_queries_per_page_do_not_grow_with_the_page(client_for, clerk_a, estate_a):
    _households(estate_a, 120)
    # Every page lists owners (so every page logs the personal data it shows).
    Person.objects.bulk_create([Person(household=h, name="张伟", mobile="13800138000") for h in Household.objects.all()])
    client = client_for(clerk_a)
    client.get(URL)  # warm the per-user caches
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"p": page}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2]


def test_a_search_pages_by_id_too(client_for, clerk_a, estate_a):
    _households(estate_a, 120)
    response = client_for(clerk_a).get(URL, {"q": "1-1-101"})
    assert _labels(response) == ["1栋-1单元-101"]
    assert "共有 1 个符合" in response.content.decode()  # a small count is exact


# --- The estimated count ------------------------------------------------------------------------
@pytest.fixture
def estimate(monkeypatch, settings):
    """Estimates on (threshold 20) on any backend, the planner's figure replaced by ``value``."""
    settings.LISTING_COUNT_ESTIMATE_THRESHOLD = 20

    class Estimate:
        value = None

    monkeypatch.setattr(ListingPaginator, "can_estimate", staticmethod(lambda queryset: True))
    monkeypatch.setattr(listing_paginator, "planner_estimate", lambda queryset: Estimate.value)
    return Estimate


def test_below_the_threshold_the_count_is_exact(estimate, estate_a):
    households = _households(estate_a, 20).order_by("sort_key", "pk")
    estimate.value = 1000
    paginator = ListingPaginator(households, 50)
    assert paginator.count == 20 and not paginator.estimated


def test_an_estimate_reads_as_one_in_english_and_chinese(estimate, client_for, clerk_a, estate_a):
    _households(estate_a, 120)
    estimate.value = 123
    client = client_for(clerk_a)
    _speaks(clerk_a, "en")
    page = client.get(URL).content.decode()
    assert "Page 1 of about 3" in page and "About 120 household files" in page
    filtered = client.get(URL, {"house__building": House.objects.first().building_id})
    assert "There are about 120 matches" in filtered.content.decode()
    _speaks(clerk_a, "zh-hans")
    zh = client.get(URL).content.decode()
    assert "第 1 页，约 3 页" in zh and "约 120 业主档案" in zh
    assert "约有 120 个符合" in client.get(URL, {"house__building": House.objects.first().building_id}).content.decode()


def test_an_estimate_too_high_ends_at_the_real_last_page(estimate, client_for, clerk_a, estate_a):
    _households(estate_a, 120)
    estimate.value = 1000  # 20 pages announced, 3 real
    client = client_for(clerk_a)
    _speaks(clerk_a, "en")
    expected = _expected_labels(estate_a)
    first = client.get(URL).content.decode()
    assert "Page 1 of about 20" in first
    for page in (20, 7, 4):  # past the real end: the real last page, the count now exact
        response = client.get(URL, {"p": page})
        assert response.status_code == 200 and _labels(response) == expected[100:]
        assert "Page 3 of 3" in response.content.decode()
    last = client.get(URL, {"p": 3}).content.decode()
    assert "Page 3 of 3" in last and "120 household files" in last  # a short page is the real end


def test_an_estimate_too_low_still_reaches_every_row(estimate, client_for, clerk_a, estate_a):
    _households(estate_a, 120)
    estimate.value = 30  # one page announced, three real
    client = client_for(clerk_a)
    expected = _expected_labels(estate_a)
    seen, page = [], 1
    for _ in range(10):  # three pages; a loop would be a bug
        if not page:
            break
        response = client.get(URL, {"p": page})
        seen += _labels(response)
        following = re.search(r'href="[^"]*[?&]p=(\d+)"[^>]*>\s*(?:Next|下一个)', response.content.decode())
        page = int(following.group(1)) if following else None
    assert seen == expected


def test_approximate_keeps_two_significant_digits():
    assert [approximate(n) for n in (7, 99, 123, 99_873, 159_703)] == [7, 99, 120, 100_000, 160_000]


# --- PostgreSQL: the planner's estimate and the index of the ordering ---------------------------
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")


@pytest.mark.postgres
@needs_postgres
def test_postgres_estimates_above_the_threshold(settings, client_for, clerk_a, estate_a):
    settings.LISTING_COUNT_ESTIMATE_THRESHOLD = 20
    _households(estate_a, 120)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archives_household")
    paginator = ListingPaginator(Household.objects.filter(listing_estate=estate_a).order_by("sort_key", "pk"), 50)
    assert paginator.count > 20 and paginator.estimated
    response = client_for(clerk_a).get(URL)
    assert re.search(r"约 [\d,]+ 业主档案", response.content.decode())
    settings.LISTING_COUNT_ESTIMATE_THRESHOLD = 1000
    small = ListingPaginator(Household.objects.filter(listing_estate=estate_a).order_by("sort_key", "pk"), 50)
    assert small.count == 120 and not small.estimated


@pytest.mark.postgres
@needs_postgres
def test_postgres_household_listing_order_walks_an_index(rf, clerk_a, estate_a):
    """The listing's ordered ids come from household_listing_idx: no Sort node (with sorting and
    sequential scans priced out: see tests.support.plans)."""
    from estates.scoping import scope_queryset

    _households(estate_a, 120)
    queryset = scope_queryset(Household.objects.all(), clerk_a).values_list("pk", flat=True)[4950:5001]
    plan = query_plan(queryset)
    assert "household_listing_idx" in plan
    assert "Sort" not in plan, plan


@pytest.mark.postgres
@needs_postgres
def test_postgres_sort_key_compares_code_points_whatever_the_database_locale(db):
    # A database created as zh_CN.UTF-8 would ignore the U+001F separators (and order "1栋 10单元"
    # among "1栋 1单元"): the column carries collation "C", so its index and the ORDER BY do not.
    with connection.cursor() as cursor:
        cursor.execute("SELECT collation_name FROM information_schema.columns "
                       "WHERE table_name = 'archives_household' AND column_name = 'sort_key'")
        assert cursor.fetchone()[0] == "C"
