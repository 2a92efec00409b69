"""Anonymous page views are cached; publish, unpublish and expiry invalidate them.

Assertions read the response's X-Bulletin-Cache header and this app's own keys only, so the
tests hold when other processes share the cache (Redis)."""

import pytest
from bulletin.cache import GENERATION_KEY
from bulletin.cache_keys import cache_key
from bulletin.factories import NoticePageFactory
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response


def test_second_anonymous_view_comes_from_the_cache_under_our_key(client, notice_a):
    assert _get(client, notice_a.url)["X-Bulletin-Cache"] == "miss"
    key = cache_key(host="testserver", path=notice_a.url, language="zh-hans")
    assert cache.get(key)["content"].decode().count("停水通知") >= 1
    hit = _get(client, notice_a.url)
    assert hit["X-Bulletin-Cache"] == "hit" and "停水通知" in hit.content.decode()
    # Each language has its own entry.
    assert _get(client, notice_a.url, HTTP_COOKIE="django_language=en")["X-Bulletin-Cache"] == "miss"


def test_publishing_a_new_revision_invalidates(client, notice_a, home_a):
    _get(client, notice_a.url), _get(client, home_a.url)
    assert _get(client, home_a.url)["X-Bulletin-Cache"] == "hit"
    notice_a.title = "停水通知（已更新）"
    notice_a.save_revision().publish()
    assert cache.get(GENERATION_KEY)  # bumped (a shared Redis may be flushed by others: not compared)
    for url in (notice_a.url, home_a.url):
        response = _get(client, url)
        assert response["X-Bulletin-Cache"] == "miss"
        assert "停水通知（已更新）" in response.content.decode()


def test_publishing_a_new_notice_shows_it_in_the_cached_listing(client, home_a, estate_a):
    _get(client, home_a.url)
    assert _get(client, home_a.url)["X-Bulletin-Cache"] == "hit"
    NoticePageFactory(estate=estate_a, title="新发布的通知")
    assert "新发布的通知" in _get(client, home_a.url).content.decode()


def test_unpublishing_invalidates(client, notice_a, home_a):
    _get(client, home_a.url)
    _get(client, notice_a.url)
    notice_a.unpublish()
    assert client.get(notice_a.url).status_code == 404
    assert "停水通知" not in _get(client, home_a.url).content.decode()


def test_deleting_invalidates(client, notice_a, home_a):
    _get(client, home_a.url)
    notice_a.delete()
    assert "停水通知" not in _get(client, home_a.url).content.decode()


def test_logged_in_staff_are_never_served_or_stored(client_for, secretary_a, notice_a, client):
    staff = client_for(secretary_a)
    response = staff.get(notice_a.url)
    assert response.status_code == 200 and "X-Bulletin-Cache" not in response
    assert cache.get(cache_key(host="testserver", path=notice_a.url, language="zh-hans")) is None


def test_forms_are_never_cached(client, event_a):
    url = f"/bulletin/events/{event_a.pk}/signup/"
    assert "X-Bulletin-Cache" not in client.get(url)
    assert "no-store" in client.get(url)["Cache-Control"]


def test_entry_lives_only_until_the_next_expiry(client, home_a, estate_a):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    now = timezone.now()
    with time_machine.travel(now, tick=False):
        NoticePageFactory(estate=estate_a, title="两分钟后过期", expires_at=now + timedelta(seconds=90))
        from bulletin import selectors

        notices = list(selectors.notices_for_listing(estate_id=estate_a.pk))
        assert 1 <= selectors.timeout_until_next_change(notices=notices) <= 91
