"""The demo's times are Asia/Shanghai times: events in the evening, notices in office hours."""

from datetime import UTC, datetime

import pytest
import time_machine
from bulletin import demo
from bulletin.models import EventPage, NoticePage
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("utc_now", [
    datetime(2026, 9, 1, 20, 0, tzinfo=UTC),  # 04:00 the next morning in Shanghai
    datetime(2026, 9, 2, 3, 0, tzinfo=UTC),   # 11:00 in Shanghai
])
def test_demo_events_start_in_the_local_evening_and_notices_in_office_hours(estate_a, utc_now):
    with time_machine.travel(utc_now, tick=False):
        demo.load(estates=[estate_a], seed=1)
    events = list(EventPage.objects.all())
    assert events
    for event in events:
        starts = timezone.localtime(event.starts_at)
        assert 18 <= starts.hour <= 20, starts  # after dinner, local time (not 02:30)
    notices = list(NoticePage.objects.all())
    assert len(notices) == 4
    for notice in notices:
        published = timezone.localtime(notice.first_published_at)
        assert 9 <= published.hour < 18 and published.weekday() < 5, (notice.title, published)
        assert notice.first_published_at <= utc_now
