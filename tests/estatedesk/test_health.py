import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "queue": True, "cache": True}


def test_healthz_200_degraded_when_the_cache_fails(client, monkeypatch):
    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise OSError("cache down")

    cache = caches["default"]
    monkeypatch.setattr(cache, "set", broken)
    if hasattr(cache, "ping"):  # the fault-tolerant backends (Redis, file) are checked by ping()
        monkeypatch.setattr(cache, "ping", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": True, "queue": True, "cache": False}


def test_healthz_answers_plain_http_with_production_redirects(client, settings, monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "a-production-secret-key-for-reading-the-settings-module")
    production = importlib.import_module("estatedesk.settings.production")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # everything else still goes to HTTPS


def test_healthz_503_when_the_database_fails(client, monkeypatch):
    from estatedesk import health

    class BrokenCursor:
        def __enter__(self):
            raise DatabaseError("down")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_healthz_503_when_the_queue_fails(client, monkeypatch):
    from estatedesk import health

    def broken():
        raise ConnectionError("redis down")

    monkeypatch.setattr(health.HUEY, "pending_count", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] is False
