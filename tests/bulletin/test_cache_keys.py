"""Page cache keys hold only the query parameters the page reads (issue 21): a tracking or random
parameter neither bypasses the cache nor adds an entry; values a page reads are entries of their
own; values it reads alike share one."""

import uuid

import pytest
from bulletin.factories import NoticePageFactory
from bulletin.models import Category, NoticeIndexPage
from bulletin.services import notice_index_of

from tests.bulletin.cache_support import entry_keys, get_ok

pytestmark = pytest.mark.django_db


def test_tracking_and_random_parameters_hit_the_plain_entry_and_add_no_key(client, notice_a):
    assert get_ok(client, notice_a.url)["X-Bulletin-Cache"] == "miss"
    keys = entry_keys()
    assert len(keys) == 1
    for query in ("?utm_source=x", f"?utm_source={uuid.uuid4()}&utm_medium=sms", f"?_={uuid.uuid4()}", "?page=2",
                  "?category=outage"):
        hit = get_ok(client, notice_a.url + query)
        assert hit["X-Bulletin-Cache"] == "hit", query  # a notice page reads no parameter
        assert "停水通知" in hit.content.decode()
    assert entry_keys() == keys


def test_a_page_first_asked_with_a_tracking_parameter_is_stored_as_the_plain_page(client, home_a, notice_a):
    assert get_ok(client, home_a.url + "?utm_source=wechat")["X-Bulletin-Cache"] == "miss"
    assert get_ok(client, home_a.url)["X-Bulletin-Cache"] == "hit"
    assert get_ok(client, home_a.url + "?utm_source=weibo")["X-Bulletin-Cache"] == "hit"
    assert len(entry_keys()) == 1


@pytest.fixture
def three_pages(home_a, estate_a, monkeypatch):
    """The notice index with one notice per page: three pages, newest first."""
    monkeypatch.setattr(NoticeIndexPage, "per_page", 1)
    NoticePageFactory(estate=estate_a, title="第一条", category=Category.OUTAGE)
    NoticePageFactory(estate=estate_a, title="第二条", category=Category.FEES)
    NoticePageFactory(estate=estate_a, title="第三条", category=Category.OUTAGE)
    return notice_index_of(home_a).url


def test_pages_of_a_listing_are_entries_of_their_own(client, three_pages):
    url = three_pages
    first, second = get_ok(client, url + "?page=2"), get_ok(client, url + "?page=3")
    assert first["X-Bulletin-Cache"] == second["X-Bulletin-Cache"] == "miss"
    assert first.content != second.content
    assert len(entry_keys()) == 2
    # Written differently, read alike: the same entry.
    for query, same in (("?page=2&utm_source=x", first), ("?page=02", first), (f"?page=3&_={uuid.uuid4()}", second)):
        hit = get_ok(client, url + query)
        assert hit["X-Bulletin-Cache"] == "hit" and hit.content == same.content, query
    # Page 1 is the page without a number, and so is a page "number" that is not one.
    get_ok(client, url)
    for query in ("?page=1", "?page=abc", "?page="):
        assert get_ok(client, url + query)["X-Bulletin-Cache"] == "hit", query
    assert len(entry_keys()) == 3


def test_a_page_number_past_the_end_is_answered_but_fills_nothing(client, three_pages):
    url = three_pages
    last = get_ok(client, url + "?page=3")
    keys = entry_keys()
    for number in (4, 999, 123456789):
        response = get_ok(client, f"{url}?page={number}")
        assert response.content == last.content  # Django's paginator shows the last page
    assert entry_keys() == keys


def test_listing_categories_are_entries_and_an_unknown_one_is_the_plain_listing(client, three_pages):
    url = three_pages
    outage = get_ok(client, url + "?category=outage")
    fees = get_ok(client, url + "?category=fees")
    assert "第三条" in outage.content.decode() and "第二条" in fees.content.decode()
    assert outage.content != fees.content
    assert get_ok(client, url + "?category=outage&utm_campaign=z")["X-Bulletin-Cache"] == "hit"
    plain = get_ok(client, url)
    nope = get_ok(client, url + "?category=nope")
    assert nope["X-Bulletin-Cache"] == "hit" and nope.content == plain.content
    assert len(entry_keys()) == 3


def test_a_hit_replays_the_headers_of_the_miss(client, notice_a):
    miss = get_ok(client, notice_a.url)
    hit = get_ok(client, notice_a.url + "?utm_source=x")
    for header in ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Content-Length"):
        assert hit[header] == miss[header], header
