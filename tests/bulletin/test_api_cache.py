"""The pages API is answered from the bulletin's cache for anonymous readers (issue 21), with the
pages' invalidation; logged-in users, tokens and the owner API never are."""

import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from bulletin.factories import EventPageFactory, NoticePageFactory
from django.test import Client
from django.utils import timezone

from tests.bulletin.cache_support import entry_keys, get_ok

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=bulletin.NoticePage&estate=HYY&fields=category,is_expired"


def _titles(response) -> set[str]:
    return {item["title"] for item in response.json()["items"]}


def test_second_anonymous_request_is_a_hit_with_the_same_answer_and_headers(client, notice_a, event_a):
    miss = get_ok(client, LISTING)
    assert miss["X-Bulletin-Cache"] == "miss" and _titles(miss) == {"停水通知"}
    hit = get_ok(client, LISTING)
    assert hit["X-Bulletin-Cache"] == "hit" and hit.content == miss.content
    for header in ("Content-Type", "Vary", "Allow", "Content-Length"):
        assert hit[header] == miss[header], header
    assert hit["Content-Type"] == "application/json" and "Accept" in hit["Vary"]
    detail = f"/api/v2/pages/{notice_a.pk}/"
    assert get_ok(client, detail)["X-Bulletin-Cache"] == "miss"
    assert get_ok(client, detail).json()["title"] == "停水通知"
    assert len(entry_keys("api")) == 2


def test_ignored_parameters_hit_unknown_ones_are_the_apis_400_and_add_no_key(client, notice_a):
    get_ok(client, LISTING)
    keys = entry_keys()
    for extra in (f"&_={uuid.uuid4()}", "&format=json", "&limit=20&offset=0&expired=false"):
        assert get_ok(client, LISTING + extra)["X-Bulletin-Cache"] == "hit", extra
    for extra in ("&utm_source=x", f"&utm_source={uuid.uuid4()}", "&colour=red"):
        response = client.get(LISTING + extra)
        assert response.status_code == 400 and "X-Bulletin-Cache" not in response, extra
    assert entry_keys() == keys


def test_values_the_api_reads_are_entries_of_their_own(client, notice_a, estate_b, home_b):
    NoticePageFactory(estate=estate_b, title="锦华园停电")
    hyy = get_ok(client, "/api/v2/pages/?estate=HYY")
    jhy = get_ok(client, "/api/v2/pages/?estate=JHY")
    assert _titles(hyy) == {"停水通知"} and _titles(jhy) == {"锦华园停电"}
    # The estate code is matched case-insensitively: one entry for both spellings.
    assert get_ok(client, "/api/v2/pages/?estate=jhy")["X-Bulletin-Cache"] == "hit"
    everything = get_ok(client, "/api/v2/pages/?estate=HYY&expired=true")
    assert everything["X-Bulletin-Cache"] == "miss"
    assert get_ok(client, "/api/v2/pages/?expired=TRUE&estate=HYY")["X-Bulletin-Cache"] == "hit"  # sorted, normalised
    assert len(entry_keys("api")) == 3


def test_empty_answers_to_made_up_values_are_not_stored(client, notice_a):
    for query in ("?estate=ZZZ", f"?estate={uuid.uuid4().hex[:6]}", "?offset=9999", "?slug=nope"):
        response = get_ok(client, "/api/v2/pages/" + query)
        assert response.json()["items"] == [] and "X-Bulletin-Cache" not in response, query
    assert entry_keys() == set()
    # An empty answer to a fixed choice is stored: nobody can make up many of them.
    assert get_ok(client, "/api/v2/pages/?category=fees")["X-Bulletin-Cache"] == "miss"


def test_publishing_editing_and_unpublishing_change_the_answer_at_once(client, notice_a, estate_a):
    get_ok(client, LISTING), get_ok(client, f"/api/v2/pages/{notice_a.pk}/")
    assert get_ok(client, LISTING)["X-Bulletin-Cache"] == "hit"

    NoticePageFactory(estate=estate_a, title="新发布的通知")
    published = get_ok(client, LISTING)
    assert published["X-Bulletin-Cache"] == "miss" and "新发布的通知" in _titles(published)

    notice_a.title = "停水通知（改期）"
    notice_a.save_revision().publish()
    assert "停水通知（改期）" in _titles(get_ok(client, LISTING))
    assert get_ok(client, f"/api/v2/pages/{notice_a.pk}/").json()["title"] == "停水通知（改期）"

    notice_a.unpublish()
    assert "停水通知（改期）" not in _titles(get_ok(client, LISTING))
    assert client.get(f"/api/v2/pages/{notice_a.pk}/").status_code == 404


def test_deleting_changes_the_answer_at_once(client, notice_a, event_a):
    assert get_ok(client, "/api/v2/pages/?estate=HYY")["X-Bulletin-Cache"] == "miss"
    assert get_ok(client, "/api/v2/pages/?estate=HYY")["X-Bulletin-Cache"] == "hit"
    event_a.delete()
    assert _titles(get_ok(client, "/api/v2/pages/?estate=HYY")) == {"停水通知"}


def test_an_expiring_notice_leaves_the_cached_listing_when_it_expires(client, estate_a, notice_a, settings):
    # The local memory cache follows the frozen clock (a Redis TTL would not), so nothing but the
    # entry's own timeout takes the notice out: no sweep runs here.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "expiry"}}
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        notice = NoticePageFactory(estate=estate_a, title="即将过期的通知", expires_at=now + timedelta(seconds=90))
        EventPageFactory(estate=estate_a, title="活动")  # nothing of an event's changes an answer by itself
        assert "即将过期的通知" in _titles(get_ok(client, LISTING))
        assert get_ok(client, LISTING)["X-Bulletin-Cache"] == "hit"
        assert get_ok(client, f"/api/v2/pages/{notice.pk}/").json()["is_expired"] is False
    with time_machine.travel(now + timedelta(seconds=80), tick=False):
        assert get_ok(client, LISTING)["X-Bulletin-Cache"] == "hit"
    with time_machine.travel(now + timedelta(seconds=92), tick=False):
        response = get_ok(client, LISTING)
        assert response["X-Bulletin-Cache"] == "miss" and _titles(response) == {"停水通知"}
        assert get_ok(client, f"/api/v2/pages/{notice.pk}/").json()["is_expired"] is True
        assert "即将过期的通知" in _titles(get_ok(client, LISTING + "&expired=true"))


def test_logged_in_users_and_tokens_are_never_served_or_stored(client, client_for, secretary_a, notice_a):
    staff = client_for(secretary_a)
    for _ in range(2):
        response = staff.get(LISTING)
        assert response.status_code == 200 and "X-Bulletin-Cache" not in response
    assert entry_keys() == set()
    get_ok(client, LISTING)  # stored for anonymous readers…
    for other in (staff, Client(HTTP_AUTHORIZATION="Bearer anything")):
        response = other.get(LISTING)
        assert response.status_code == 200 and "X-Bulletin-Cache" not in response  # …and not given to these


def test_the_browsable_api_and_searches_are_answered_uncached(client, notice_a):
    get_ok(client, LISTING)
    html = get_ok(client, LISTING, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert html["Content-Type"].startswith("text/html") and "X-Bulletin-Cache" not in html
    assert "X-Bulletin-Cache" not in get_ok(client, LISTING + "&format=api")
    assert "X-Bulletin-Cache" not in get_ok(client, LISTING, HTTP_ACCEPT="application/json; indent=2")
    assert get_ok(client, LISTING, HTTP_ACCEPT="application/json")["X-Bulletin-Cache"] == "hit"
    for _ in range(2):
        assert "X-Bulletin-Cache" not in get_ok(client, "/api/v2/pages/?search=停水")
    assert len(entry_keys()) == 1


def test_the_owner_api_is_never_cached(client, house_a, sms_outbox):
    import re

    from archives.factories import HouseholdFactory, PersonFactory
    from owners import services
    from owners.models import OwnerToken

    person = PersonFactory(household=HouseholdFactory(house=house_a), name="王业主", mobile="13900000001")
    services.code_request(mobile=person.mobile)
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["text"]).group(1)
    raw, _token = services.sign_in(mobile=person.mobile, code=code, kind=OwnerToken.Kind.API)
    owner = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for _ in range(2):
        response = owner.get("/api/owner/v1/me/")
        assert response.status_code == 200 and "X-Bulletin-Cache" not in response
        anonymous = client.get("/api/owner/v1/me/")
        assert anonymous.status_code == 401 and "X-Bulletin-Cache" not in anonymous
    assert entry_keys() == set()



def test_a_failing_cache_still_answers_from_the_database(client, notice_a, estate_a, redis_cache, redis_server):
    get_ok(client, LISTING)
    assert get_ok(client, LISTING)["X-Bulletin-Cache"] == "hit"
    redis_server.pause()  # unreachable, keeping the entry that is about to be stale
    NoticePageFactory(estate=estate_a, title="缓存故障时发布")
    for _ in range(2):
        response = get_ok(client, LISTING)
        assert "缓存故障时发布" in _titles(response)
    redis_server.resume()
    time.sleep(0.6)
    response = get_ok(client, LISTING)
    assert "缓存故障时发布" in _titles(response)  # the invalidation recorded meanwhile was applied
    assert get_ok(client, LISTING)["X-Bulletin-Cache"] == "hit"
