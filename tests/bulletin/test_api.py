"""Wagtail API v2: published notices and events, filterable by estate and category."""

import pytest
from bulletin.factories import EventPageFactory, NoticeAttachmentFactory, NoticePageFactory
from bulletin.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(notice_a, event_a, estate_a, home_b, estate_b):
    fees = NoticePageFactory(estate=estate_a, title="收费公示", category=Category.FEES)
    other = NoticePageFactory(estate=estate_b, title="锦华园停电", category=Category.OUTAGE)
    draft = NoticePageFactory(estate=estate_a, title="草稿", live=False)
    event_b = EventPageFactory(estate=estate_b, title="锦华园活动")
    return {"fees": fees, "other": other, "draft": draft, "event_b": event_b}


def _titles(client, query):
    response = client.get("/api/v2/pages/" + query)
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_lists_published_notices_and_events_only(client, content):
    titles = _titles(client, "")
    assert {"停水通知", "收费公示", "锦华园停电", "中秋游园会", "锦华园活动"} == titles


def test_filter_by_estate(client, content):
    assert _titles(client, "?estate=HYY") == {"停水通知", "收费公示", "中秋游园会"}
    assert _titles(client, "?estate=jhy&type=bulletin.EventPage") == {"锦华园活动"}
    assert _titles(client, "?estate=NOPE") == set()


def test_filter_by_category(client, content):
    assert _titles(client, "?category=outage") == {"停水通知", "锦华园停电"}
    assert _titles(client, "?category=outage&estate=JHY") == {"锦华园停电"}
    assert _titles(client, "?type=bulletin.NoticePage&category=fees") == {"收费公示"}


def test_bad_filters_are_400(client, content):
    assert client.get("/api/v2/pages/?category=nope").status_code == 400
    assert client.get("/api/v2/pages/?type=wagtailcore.Page").status_code == 400
    assert client.get("/api/v2/pages/?type=nope.Nope").status_code == 400
    assert client.get("/api/v2/pages/?colour=red").status_code == 400


def test_detail_has_english_version_and_attachments(client, notice_a):
    NoticeAttachmentFactory(page=notice_a, label="停水范围图")
    data = client.get(f"/api/v2/pages/{notice_a.pk}/").json()
    assert data["title_en"] == "Water outage" and "No water" in data["body_en"]
    assert data["estate_code"] == "HYY" and data["category"] == "outage" and data["is_expired"] is False
    attachment = data["attachments"][0]
    assert attachment["label"] == "停水范围图" and attachment["url"].startswith("/documents/")


def test_listing_with_fields(client, content):
    data = client.get("/api/v2/pages/?type=bulletin.NoticePage&fields=category,urgent,title_en&estate=HYY").json()
    assert all("category" in item and "title_en" in item for item in data["items"])


def test_drafts_are_not_served_by_id(client, content):
    assert client.get(f"/api/v2/pages/{content['draft'].pk}/").status_code == 404


def test_expired_notices_are_hidden_unless_asked_for(client, content, estate_a):
    from datetime import timedelta

    from django.utils import timezone

    gone = NoticePageFactory(estate=estate_a, title="电梯年检通知", expires_at=timezone.now() + timedelta(minutes=1))
    type(gone).objects.filter(pk=gone.pk).update(expires_at=timezone.now() - timedelta(days=3))
    assert "电梯年检通知" not in _titles(client, "?estate=HYY")
    assert "电梯年检通知" not in _titles(client, "?type=bulletin.NoticePage&estate=HYY")
    assert "电梯年检通知" in _titles(client, "?estate=HYY&expired=true")
    assert "停水通知" in _titles(client, "?estate=HYY&expired=true")
    # One notice by its id stays reachable, and says it has expired.
    detail = client.get(f"/api/v2/pages/{gone.pk}/").json()
    assert detail["is_expired"] is True
    assert client.get("/api/v2/pages/?expired=perhaps").status_code == 400


@pytest.mark.parametrize("query", ["", "?type=bulletin.NoticePage", "?type=bulletin.EventPage&fields=place"])
def test_listing_queries_do_not_grow_with_the_items(client, estate_a, home_a, query, django_assert_max_num_queries):
    """The uncached listing (a cache miss, a reader with a session) reads each estate's code once,
    not once per item: 3 pages and 15 pages of each kind cost the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v2/pages/" + query, HTTP_COOKIE="sessionid=x")
        assert response.status_code == 200 and response.get("X-Bulletin-Cache") != "hit"
        return len(ctx.captured_queries), len(response.json()["items"])

    for _ in range(3):
        NoticePageFactory(estate=estate_a)
        EventPageFactory(estate=estate_a)
    few, items_few = count()
    for _ in range(12):
        NoticePageFactory(estate=estate_a)
        EventPageFactory(estate=estate_a)
    many, items_many = count()
    assert items_many > items_few
    assert many == few, (few, many)
