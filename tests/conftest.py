"""Shared fixtures: two estates, staff of every role, and a logged-in client per user."""

import pytest
from django.test import Client
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory, make_staff
from notifications.sms import LocmemSmsBackend

from tests.support.installation import populated_sqlite, postgres_databases  # noqa: F401 (fixtures)
from tests.support.redis_server import redis_cache, redis_server  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _clean_outboxes(settings):
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def sms_outbox():
    return LocmemSmsBackend.outbox


@pytest.fixture
def estate_a(db):
    return EstateFactory(name="和悦苑", code="HYY")


@pytest.fixture
def estate_b(db):
    return EstateFactory(name="锦华园", code="JHY")


@pytest.fixture
def house_a(estate_a):
    return HouseFactory(building=BuildingFactory(estate=estate_a, name="1栋"), unit="1", room="101", floor=1)


@pytest.fixture
def house_b(estate_b):
    return HouseFactory(building=BuildingFactory(estate=estate_b, name="9栋"), unit="2", room="902", floor=9)


@pytest.fixture
def make_user(db):
    """make_user(role, estates) → a staff login; role is a constant of estates.roles or None."""

    def _make(role=roles.CLERK, estates=(), **fields):
        return make_staff(role=role, estates=estates, **fields)

    return _make


@pytest.fixture
def client_for():
    """client_for(user) → a test client logged in as that user."""

    def _client(user):
        client = Client()
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def clerk_a(make_user, estate_a):
    return make_user(roles.CLERK, [estate_a], username="clerk_a")


@pytest.fixture
def supervisor_a(make_user, estate_a):
    return make_user(roles.SUPERVISOR, [estate_a], username="supervisor_a")


@pytest.fixture
def clerk_b(make_user, estate_b):
    return make_user(roles.CLERK, [estate_b], username="clerk_b")


def clear_own_cache_keys() -> None:
    """Empty this process's cache: the local one entirely, a shared Redis only under this
    process's key prefix (never FLUSHDB: other workers and other runs use the same database)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_own_cache_keys()
    yield
