"""The public pages: listings, expiry, both languages, search, feed, query count."""

from datetime import timedelta

import pytest
from bulletin.factories import EventPageFactory, NoticePageFactory, make_document
from bulletin.models import Category, NoticeAttachment
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _titles_in_order(html: str, titles):
    positions = [html.index(t) for t in titles]
    return positions == sorted(positions)


def test_urgent_then_pinned_lead_the_listings(client, home_a, estate_a):
    NoticePageFactory(estate=estate_a, title="普通通知A")
    NoticePageFactory(estate=estate_a, title="置顶通知", pinned=True)
    NoticePageFactory(estate=estate_a, title="普通通知B")
    NoticePageFactory(estate=estate_a, title="紧急通知", urgent=True)
    for url in (home_a.url, home_a.url + "notices/"):
        html = client.get(url).content.decode()
        assert _titles_in_order(html, ["紧急通知", "置顶通知", "普通通知B", "普通通知A"]), url


def test_expired_notice_leaves_listings_but_stays_reachable_and_marked(client, home_a, estate_a):
    past = NoticePageFactory(estate=estate_a, title="电梯年检通知", expires_at=timezone.now() - timedelta(hours=1))
    NoticePageFactory(estate=estate_a, title="有效通知", expires_at=timezone.now() + timedelta(days=1))
    listing = client.get(home_a.url + "notices/").content.decode()
    assert "有效通知" in listing and "电梯年检通知" not in listing
    assert "电梯年检通知" not in client.get(home_a.url).content.decode()
    response = client.get(past.url)
    assert response.status_code == 200
    assert "This notice has expired" in response.content.decode() or "本通知已过期" in response.content.decode()


def test_estates_keep_their_own_notices(client, home_a, home_b, estate_a, estate_b):
    NoticePageFactory(estate=estate_a, title="和悦苑的通知")
    NoticePageFactory(estate=estate_b, title="锦华园的通知")
    html = client.get(home_b.url).content.decode()
    assert "锦华园的通知" in html and "和悦苑的通知" not in html
    # The estate switcher lists both homes.
    assert home_a.url in html and home_b.url in html


def test_category_filter_on_notice_index(client, home_a, estate_a):
    NoticePageFactory(estate=estate_a, title="收费公示", category=Category.FEES)
    NoticePageFactory(estate=estate_a, title="停电通知", category=Category.OUTAGE)
    html = client.get(home_a.url + "notices/?category=fees").content.decode()
    assert "收费公示" in html and "停电通知" not in html
    # An unknown category shows everything rather than failing.
    assert client.get(home_a.url + "notices/?category=<script>").status_code == 200


def test_english_reader_gets_the_english_version(client, notice_a):
    html = client.get(notice_a.url, HTTP_COOKIE="django_language=en").content.decode()
    assert "Water outage" in html and "No water in building 3 tomorrow" in html
    assert '<html lang="en">' in html
    zh = client.get(notice_a.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3栋明日停水" in zh and "No water in building 3" not in zh
    assert "English" in zh  # offers the English version


def test_english_reader_is_told_when_there_is_no_english_version(client, home_a, estate_a):
    notice = NoticePageFactory(estate=estate_a, title="仅中文通知", body="<p>只有中文</p>")
    html = client.get(notice.url, HTTP_COOKIE="django_language=en").content.decode()
    assert "仅中文通知" in html
    assert "No English version of this page is available" in html


def test_language_switch_is_a_plain_link_that_sets_the_cookie(client, notice_a):
    response = client.get(f"/bulletin/language/en/?next={notice_a.url}")
    assert response.status_code == 302 and response["Location"] == notice_a.url
    assert response.cookies["django_language"].value == "en"
    assert "Water outage" in client.get(notice_a.url).content.decode()
    # No open redirect; unknown languages are 404.
    assert client.get("/bulletin/language/en/?next=https://evil.example/")["Location"] == "/"
    assert client.get("/bulletin/language/xx/").status_code == 404


def test_search_across_notices_in_both_languages(client, notice_a, home_b, estate_b):
    NoticePageFactory(estate=estate_b, title="锦华园停水", body="<p>停水</p>")
    html = client.get("/bulletin/search/", {"q": "停水"}).content.decode()
    assert "停水通知" in html and "锦华园停水" in html
    html = client.get("/bulletin/search/", {"q": "water outage"}).content.decode()
    assert "停水通知" in html
    html = client.get("/bulletin/search/", {"q": "停水", "estate": "JHY"}).content.decode()
    assert "锦华园停水" in html and notice_a.url not in html
    assert client.get("/bulletin/search/", {"q": ""}).status_code == 200


def test_atom_feed_per_estate(client, notice_a, home_b, estate_b):
    NoticePageFactory(estate=estate_b, title="锦华园通知")
    response = client.get("/bulletin/feeds/HYY/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "停水通知" in body and "锦华园通知" not in body
    assert client.get("/bulletin/feeds/NOPE/").status_code == 404


def test_draft_notice_is_not_public(client, home_a, estate_a):
    draft = NoticePageFactory(estate=estate_a, title="草稿通知", live=False)
    assert client.get(draft.url or f"{home_a.url}notices/{draft.slug}/").status_code == 404
    assert "草稿通知" not in client.get(home_a.url).content.decode()


def test_notice_page_renders_with_at_most_ten_queries_uncached(client, notice_a, estate_a, home_b):
    for i in range(3):
        NoticeAttachment.objects.create(page=notice_a, document=make_document(title=f"附件{i}"), sort_order=i)
    EventPageFactory(estate=estate_a)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(notice_a.url)
    assert response.status_code == 200 and response["X-Bulletin-Cache"] == "miss"
    assert "附件2" in response.content.decode()
    assert len(queries) <= 10, "\n".join(q["sql"] for q in queries)


def test_event_page_shows_sign_up_or_rating_link(client, event_a):
    html = client.get(event_a.url).content.decode()
    assert f"/bulletin/events/{event_a.pk}/signup/" in html
    assert "中心花园" in html
