"""Scheduled go-live and expiry happen through the Huey periodic task, with frozen time."""

from datetime import timedelta

import pytest
import time_machine
from bulletin.factories import NoticePageFactory
from bulletin.models import NoticePage
from bulletin.tasks import bulletin_schedule
from django.utils import timezone

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 9, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def test_scheduled_notice_goes_live_on_time_and_the_cache_follows(client, home_a, estate_a):
    with time_machine.travel(START, tick=False):
        notice = NoticePageFactory(estate=estate_a, title="预约发布的通知", live=False)
        notice.go_live_at = START + timedelta(hours=2)
        notice.save_revision().publish()  # Wagtail schedules instead of publishing
        notice.refresh_from_db()
        assert not notice.live
        assert "预约发布的通知" not in client.get(home_a.url).content.decode()  # cached now
        bulletin_schedule.call_local()
        notice.refresh_from_db()
        assert not notice.live
    with time_machine.travel(START + timedelta(hours=1, minutes=59), tick=False):
        bulletin_schedule.call_local()
        assert not NoticePage.objects.get(pk=notice.pk).live
    with time_machine.travel(START + timedelta(hours=2, minutes=1), tick=False):
        result = bulletin_schedule.call_local()
        assert result["published"] == 1
        notice.refresh_from_db()
        assert notice.live and notice.first_published_at is not None
        assert "预约发布的通知" in client.get(home_a.url).content.decode()
        # Level-triggered and idempotent: the next minute changes nothing.
        assert bulletin_schedule.call_local()["published"] == 0


def test_expiry_takes_the_notice_out_of_cached_listings_but_keeps_it_readable(client, home_a, estate_a):
    with time_machine.travel(START, tick=False):
        notice = NoticePageFactory(estate=estate_a, title="即将过期的通知", expires_at=START + timedelta(hours=1))
        assert "即将过期的通知" in client.get(home_a.url).content.decode()
        assert client.get(home_a.url)["X-Bulletin-Cache"] == "hit"
        assert bulletin_schedule.call_local()["expiry_invalidated"] is False
    with time_machine.travel(START + timedelta(hours=1, minutes=1), tick=False):
        result = bulletin_schedule.call_local()
        assert result["expiry_invalidated"] is True
        response = client.get(home_a.url)
        assert response["X-Bulletin-Cache"] == "miss"
        assert "即将过期的通知" not in response.content.decode()
        page = client.get(notice.url)
        assert page.status_code == 200 and "即将过期的通知" in page.content.decode()
        notice.refresh_from_db()
        assert notice.live and notice.is_expired
        # The next sweep has nothing more to invalidate.
        assert bulletin_schedule.call_local()["expiry_invalidated"] is False


def test_the_task_is_a_periodic_task_every_minute():
    task = bulletin_schedule.task_class()
    for minute in (0, 17, 59):
        assert task.validate_datetime(timezone.datetime(2026, 1, 1, 3, minute))
