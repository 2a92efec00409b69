"""The move-in clocks report against a hand-made fixture: per estate and month, the share within
each limit (the limit stored on each appointment, boundaries included) and the averages."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from lifecycle.factories import MoveInFactory
from lifecycle.models import MoveIn

from tests.lifecycle.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def _done(estate, arrived, wait, handle, **fields):
    started = arrived + timedelta(minutes=wait)
    return MoveInFactory(estate=estate, status=MoveIn.Status.DONE, arrived_at=arrived, started_at=started,
                         ended_at=started + timedelta(minutes=handle), date=arrived.date(), **fields)


@pytest.fixture
def fixture_rows(estate_a, estate_b):
    nov = datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)
    _done(estate_a, nov, 10, 25)
    _done(estate_a, nov, 20, 40)
    _done(estate_a, nov, 15, 30)  # exactly at both limits: within
    # Booked when the limit was 20 minutes: judged by its own limit.
    _done(estate_a, nov, 18, 10, wait_limit_minutes=20)
    # Ends at 00:10 on 1 December in Shanghai (16:10 UTC on 30 November): December's.
    _done(estate_a, datetime(2026, 11, 30, 23, 50, tzinfo=SHANGHAI), 5, 15)
    _done(estate_b, nov, 60, 60)  # another estate: not the supervisor's
    MoveInFactory(estate=estate_a, status=MoveIn.Status.IN_PROGRESS, arrived_at=nov, started_at=nov)  # not done


def _row(body, estate, month):
    import re

    match = re.search(rf'<tr data-estate="{estate}" data-month="{month}">(.*?)</tr>', body, re.S)
    assert match, body[-3000:]
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', match.group(1)))


def test_the_report_figures(fixture_rows, supervisor_a, client_for):
    response = client_for(supervisor_a).get(reverse("lifecycle_movein_report"), {"year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert _row(body, "HYY", "2026-11") == {
        "done": "4", "wait_share": "75.0%", "wait_average": "15.8",
        "handle_share": "75.0%", "handle_average": "26.2",
    }
    assert _row(body, "HYY", "2026-12") == {
        "done": "1", "wait_share": "100.0%", "wait_average": "5.0", "handle_share": "100.0%", "handle_average": "15.0",
    }
    assert 'data-estate="JHY"' not in body
    assert 'id="movein-clocks"' in body  # the chart and its table


def test_a_bad_year_is_a_400(supervisor_a, client_for):
    assert client_for(supervisor_a).get(reverse("lifecycle_movein_report"), {"year": "abc"}).status_code == 400
