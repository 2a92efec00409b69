"""The cache is an optimisation, never a dependency: a Redis of the test's own is stopped (and
paused) in the middle of the test; public pages, the API, the sign-up form, publishing in the
admin and the admin itself keep answering from the database, and everything recovers when
Redis is back, including the invalidations that could not reach it."""

import time

import pytest
from bulletin.factories import EventPageFactory, NoticePageFactory, home_for
from bulletin.models import EventSignup, NoticePage
from estatedesk.models import PendingCacheInvalidation
from estates import roles
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from tests.support.redis_server import RETRY_AFTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulletin(estate_a):
    home = home_for(estate_a)
    notice = NoticePageFactory(estate=estate_a, title="停水通知", slug="water", body="<p>3栋明日停水</p>")
    event = EventPageFactory(estate=estate_a, title="中秋游园会", slug="mid-autumn", capacity=50)
    return home, notice, event


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response


def _notice_form(notice, title):
    return nested_form_data({
        "title": title, "slug": notice.slug, "category": notice.category, "body": rich_text("<p>改为后天停水</p>"),
        "title_en": "Water outage", "body_en": rich_text("<p>No water</p>"),
        "attachments": inline_formset([]), "expires_at": "", "go_live_at": "", "expire_at": "",
        "action-publish": "1",
    })


def test_redis_stopped_mid_test_then_restarted(client, client_for, make_user, estate_a, house_a,
                                               bulletin, redis_cache, redis_server):
    home, notice, event = bulletin
    manager = make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")
    secretary = make_user(roles.SECRETARY, [estate_a], username="secretary_a")
    _ok(client.get(home.url))
    assert _ok(client.get(home.url))["X-Bulletin-Cache"] == "hit"

    redis_server.stop()

    # Public pages, the feed of the API and the sign-up form, from the database.
    assert "停水通知" in _ok(client.get(home.url)).content.decode()
    assert "3栋明日停水" in _ok(client.get(notice.url)).content.decode()
    api = _ok(client.get("/api/v2/pages/?estate=HYY"))
    assert any(item["title"] == "停水通知" for item in api.json()["items"])
    form = {"name": "张三", "house": house_a.pk, "mobile": "13800138000", "people": 2, "website": ""}
    _ok(client.post(f"/bulletin/events/{event.pk}/signup/", form))
    assert EventSignup.objects.filter(event=event, mobile="13800138000").count() == 1

    # The admin: home, page explorer, and publishing, which succeeds and says so.
    staff = client_for(manager)
    _ok(staff.get("/admin/"))
    _ok(staff.get("/admin/pages/", follow=True))
    _ok(staff.get(f"/admin/pages/{home.pk}/"))
    published = client_for(secretary).post(f"/admin/pages/{notice.pk}/edit/", _notice_form(notice, "停水通知（改期）"))
    assert published.status_code == 302, published.content.decode()[:2000]
    assert NoticePage.objects.get(pk=notice.pk).title == "停水通知（改期）"
    assert PendingCacheInvalidation.objects.filter(name="bulletin").exists()
    assert "停水通知（改期）" in _ok(client.get(notice.url)).content.decode()

    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "degraded"

    redis_server.start()  # an empty Redis on the same port
    time.sleep(RETRY_AFTER + 0.1)
    assert "停水通知（改期）" in _ok(client.get(home.url)).content.decode()
    assert _ok(client.get(home.url))["X-Bulletin-Cache"] == "hit"
    assert not PendingCacheInvalidation.objects.exists()
    assert client.get("/healthz").json()["status"] == "ok"


def test_invalidation_during_an_outage_is_applied_when_the_cache_is_back(client, estate_a, bulletin,
                                                                      redis_cache, redis_server):
    home, notice, _ = bulletin
    _ok(client.get(notice.url))
    assert _ok(client.get(notice.url))["X-Bulletin-Cache"] == "hit"

    redis_server.pause()  # unreachable, but it keeps the cached (soon stale) page
    notice.title = "停水通知（已恢复供水）"
    notice.save_revision().publish()
    assert PendingCacheInvalidation.objects.filter(name="bulletin").exists()

    redis_server.resume()
    time.sleep(RETRY_AFTER + 0.1)
    page = _ok(client.get(notice.url)).content.decode()
    assert "停水通知（已恢复供水）" in page  # not the entry cached before the outage
    assert not PendingCacheInvalidation.objects.exists()


def test_periodic_task_applies_what_was_recorded(redis_cache):
    PendingCacheInvalidation.objects.create(name="bulletin")
    from bulletin.cache import GENERATION_KEY
    from estatedesk.tasks import apply_cache_invalidations

    before = redis_cache.get(GENERATION_KEY) or 0
    assert apply_cache_invalidations.call_local() == 1
    assert redis_cache.get(GENERATION_KEY) == before + 1
    assert not PendingCacheInvalidation.objects.exists()
