"""The leak crawler: estate A is seeded with a marker string in every free-text field of every
estate-owned model (plus a draft page, a document, an image and log rows); every GET route of the
URL resolver, with estate A's ids, is requested as every role of estate B, and no body, download
or export may contain a marker. Then every route is POSTed to as estate B, and estate A's rows
must be unchanged.

One test per role, so that ``-n 2`` spreads them. Each prints "routes × roles" for the record.
"""

import pytest
from django.test import Client
from estates import roles
from estates.factories import EstateFactory, make_staff

from tests.estatedesk import crawl

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    estate_a = EstateFactory(pk=crawl.SEED_ID, name="甲苑", code="zqa")
    estate_b = EstateFactory(name="乙苑", code="zqb")
    seeder = crawl.Seeder(estate_a)
    seeder.seed_models()
    author = make_staff(role=roles.ESTATE_MANAGER, estates=[estate_a], username="author_a")
    seeder.seed_content(by=author)
    return seeder, estate_b


def test_every_estate_scoped_model_is_seeded(world):
    seeder, _ = world
    assert not seeder.missing, "models without a seed in estate A:\n" + "\n".join(seeder.missing)
    assert len(seeder.seeded) >= 20
    assert len(seeder.markers) >= 50


def _client(role, estate):
    client = Client()
    client.raise_request_exception = False
    client.force_login(make_staff(role=role, estates=[estate], username=f"crawler_{roles.ROLES.index(role)}"))
    return client


@pytest.mark.parametrize("role", roles.ROLES)
def test_no_get_route_shows_estate_a_to_estate_b(world, role, record_property):
    seeder, estate_b = world
    client = _client(role, estate_b)
    urls = crawl.crawl_urls()
    leaks = []
    for url in urls:
        response = client.get(url)
        found = set(crawl.MARKER_RE.findall(crawl.body_text(response)))
        if found:
            leaks.append(f"{url} → {response.status_code}: " + ", ".join(sorted(seeder.markers.get(m, m.decode()) for m in found)))
    print(f"leak crawl: {len(urls)} routes × 1 role ({role})")
    record_property("routes", len(urls))
    assert not leaks, f"{len(leaks)} routes show estate A to {role} of estate B:\n" + "\n".join(leaks[:60])


#: The two roles with the most rights (the others' permissions are subsets of theirs), to keep
#: the sweep within the time budget.
POST_ROLES = [roles.ESTATE_MANAGER, roles.SUPERVISOR]


@pytest.mark.parametrize("role", POST_ROLES)
def test_no_post_route_changes_estate_a(world, role):
    seeder, estate_b = world
    client = _client(role, estate_b)
    before = crawl.dump_rows(seeder)
    urls = [u for u in crawl.crawl_urls() if "export=" not in u]
    for url in urls:
        client.post(url, {"id": crawl.SEED_ID, "pk": crawl.SEED_ID})
    after = crawl.dump_rows(seeder)
    changed = [label for label in before if before[label] != after[label]]
    print(f"post sweep: {len(urls)} routes × 1 role ({role})")
    assert not changed, f"POSTs by {role} of estate B changed estate A's rows of: {changed}"


def test_the_crawler_sees_markers_where_they_are_allowed(world):
    """A control: estate A's own manager does see the markers, so a clean crawl means something."""
    seeder, _ = world
    client = _client(roles.ESTATE_MANAGER, seeder.estate)
    for url in (
        f"/admin/snippets/choose/archives/person/chosen-multiple/?id={crawl.SEED_ID}",
        f"/admin/snippets/archives/person/edit/{crawl.SEED_ID}/",
        "/admin/reports/site-history/?export=xlsx",
        f"/admin/pages/{crawl.SEED_ID}/edit/",
        "/admin/documents/",
    ):
        assert crawl.MARKER_RE.search(crawl.body_text(client.get(url))), url
