import pytest
from archives import demo as archives_demo
from estates import demo as estates_demo
from servicedesk import demo as servicedesk_demo
from surveys import demo
from surveys.models import QuarterlyVisit, Response, Survey

pytestmark = pytest.mark.django_db


def test_demo_surveys_visits_and_cases(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    estates = estates_demo.load(houses=40, seed=7)
    archives_demo.load(estates=estates, seed=7)
    servicedesk_demo.load(estates=estates, seed=7)
    demo.load(estates=estates, seed=7)
    assert Survey.objects.count() == 2
    assert Response.objects.exists()
    assert QuarterlyVisit.objects.filter(visited_at__isnull=False).exists()
    assert QuarterlyVisit.objects.filter(visited_at__isnull=True).exists()
