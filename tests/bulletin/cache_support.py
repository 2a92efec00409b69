"""Helpers of the cache tests: what this process's cache holds, whatever the backend (the local
memory cache, or Redis under this process's key prefix)."""

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache


def entry_keys(kind: str = "") -> set[str]:
    """The bulletin's cache entries (pages and API answers; ``kind`` narrows to one)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        raw = {key.decode() for key in client.scan_iter(match=f"{cache.key_prefix}:*", count=1000)}
    elif isinstance(cache, LocMemCache):
        raw = set(cache._cache)
    else:
        raise NotImplementedError(type(cache))
    prefix = f"bulletin:{kind}:" if kind else None
    found = {key for key in raw if ":bulletin:page:" in key or ":bulletin:api:" in key}
    return {key for key in found if prefix is None or prefix in key}


def get_ok(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response
