"""The one public-form guard: proxy-aware client address, a database counter that holds under
concurrency (SQLite and PostgreSQL), pruning, and the same answer to a bot on every form."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest
import time_machine
from bulletin.factories import EventPageFactory, home_for
from bulletin.models import EventSignup
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.utils import timezone
from estatedesk.clients import client_address
from estatedesk.guard import count_post
from estatedesk.models import RateCounter
from servicedesk.models import Ticket


# --- the client address ---------------------------------------------------------------------
def _request(remote="10.0.0.9", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (0, None, "10.0.0.9"),
        (0, "1.2.3.4", "10.0.0.9"),                         # no proxy: the header is the client's lie
        (1, "203.0.113.7", "203.0.113.7"),                  # load balancer appended the client
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),          # a spoofed entry on the left is ignored
        (1, "6.6.6.6, 7.7.7.7, 203.0.113.7", "203.0.113.7"),
        (2, "203.0.113.7, 10.0.0.2", "203.0.113.7"),         # CDN, then the load balancer
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "2001:db8::1, 10.0.0.2", "2001:db8::1"),
        (1, None, "10.0.0.9"),                              # reached us without the proxy
        (1, "not-an-address", "10.0.0.9"),                 # garbage never becomes a counter key
        (2, "203.0.113.7", "203.0.113.7"),                  # an inner proxy was skipped
    ],
)
def test_client_address_behind_proxies(settings, proxies, xff, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request(xff=xff)) == expected


# --- the counter ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_counts_per_scope_client_and_window():
    assert [count_post(scope="signup", client="1.1.1.1", seconds=600) for _ in range(3)] == [1, 2, 3]
    assert count_post(scope="signup", client="2.2.2.2", seconds=600) == 1
    assert count_post(scope="report", client="1.1.1.1", seconds=600) == 1


@pytest.mark.django_db
def test_a_new_window_starts_from_one_and_old_rows_are_pruned():
    start = timezone.now().replace(minute=0, second=1, microsecond=0)
    with time_machine.travel(start, tick=False):
        count_post(scope="signup", client="1.1.1.1", seconds=600)
        count_post(scope="signup", client="1.1.1.1", seconds=600)
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert count_post(scope="signup", client="1.1.1.1", seconds=600) == 1
        assert RateCounter.objects.count() == 1  # the expired window's row is gone


@pytest.mark.django_db
def test_behind_a_proxy_owners_do_not_share_one_counter(settings, estate_a, house_a):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, "status": (1, 600)}
    client = Client(REMOTE_ADDR="10.0.0.2")  # every request comes from the load balancer
    data = {"number": "X", "contact_mobile": "13800138000"}
    assert client.post("/service/status/", data, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 404
    assert client.post("/service/status/", data, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 404
    # The first owner again, forging an extra entry: still the first owner.
    again = client.post("/service/status/", data, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")
    assert again.status_code == 429
    assert "请稍等几分钟再试" in again.content.decode()


# --- the same answer to a bot on every form -----------------------------------------------
@pytest.fixture
def public_forms(estate_a, house_a):
    home_for(estate_a)
    event = EventPageFactory(estate=estate_a, capacity=500, max_people_per_signup=1)
    return {
        "signup": (f"/bulletin/events/{event.pk}/signup/", lambda i: {
            "name": "张三", "house": house_a.pk, "mobile": f"1380000{i:04d}", "people": 1, "website": "",
        }),
        "feedback": (f"/bulletin/events/{event.pk}/feedback/", lambda i: {
            "mobile": f"1380000{i:04d}", "score": "5", "website": "",
        }),
        "report": ("/service/report/", lambda i: {
            "kind": "repair", "estate": estate_a.pk, "building": "1栋", "unit": "1", "room": "101",
            "contact_name": "陈女士", "contact_mobile": f"1390000{i:04d}", "description": "墙面渗水", "website": "",
        }),
        "status": ("/service/status/", lambda i: {"number": "X", "contact_mobile": "13800138000", "website": ""}),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["signup", "feedback", "report", "status"])
def test_a_bot_gets_the_same_answer_everywhere(client, public_forms, scope):
    url, data = public_forms[scope]
    response = client.post(url, {**data(1), "website": "http://spam.example"})
    assert response.status_code == 400
    assert "您提交的表单未被接受" in response.content.decode()
    assert not EventSignup.objects.exists() and not Ticket.objects.exists()


# --- concurrency: 40 posts at once from one client ------------------------------------------
THREADS = 40
LIMIT = 10


def _post_at_once(url, data, own_connection=None) -> list[int]:
    barrier = threading.Barrier(THREADS)
    codes: list[int] = []
    lock = threading.Lock()

    def worker(i):
        if own_connection is not None:
            connections["default"] = own_connection()
        try:
            client = Client(REMOTE_ADDR="198.51.100.4")
            barrier.wait(timeout=30)
            code = client.post(url, data(i)).status_code
        except Exception as exc:  # a failure of the test, reported below
            code = repr(exc)
        finally:
            connections.close_all()
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return codes


def _sqlite_copy(tmp_path):
    """pytest-django's SQLite test database is a shared-cache memory database whose table locks
    ignore the busy timeout; copy it to a file configured like the project's (IMMEDIATE, WAL)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "guard.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = {**connection.settings_dict, "NAME": str(path)}
    return lambda: DatabaseWrapper(settings_dict, "default")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scope", ["signup", "feedback", "report", "status"])
def test_forty_concurrent_posts_accept_at_most_the_limit(settings, public_forms, scope, tmp_path):
    settings.PUBLIC_FORM_LIMITS = {**settings.PUBLIC_FORM_LIMITS, scope: (LIMIT, 600)}
    url, data = public_forms[scope]
    factory = _sqlite_copy(tmp_path) if connection.vendor == "sqlite" and connection.is_in_memory_db() else None
    codes = _post_at_once(url, data, own_connection=factory)
    assert all(isinstance(code, int) for code in codes), codes
    assert codes.count(429) == THREADS - LIMIT, codes
    if factory is not None:  # read the outcome from the file the threads wrote to
        main, connections["default"] = connections["default"], factory()
    try:
        assert RateCounter.objects.get(scope=scope).hits == THREADS
        if scope == "signup":
            assert EventSignup.objects.count() == LIMIT
        if scope == "report":
            assert Ticket.objects.count() == LIMIT
    finally:
        if factory is not None:
            connections["default"].close()
            connections["default"] = main
