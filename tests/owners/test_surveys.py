"""The owner's home and API list the surveys their household may answer, with their own link."""

from datetime import timedelta

import pytest
from django.utils import timezone
from surveys.factories import QuestionFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveys(estate_a, estate_b):
    open_a = SurveyFactory(estate=estate_a, title="甲苑四季度满意度调查")
    QuestionFactory(survey=open_a)
    SurveyFactory(estate=estate_a, title="已结束的调查", closes_at=timezone.now() - timedelta(days=1))
    SurveyFactory(estate=estate_b, title="乙苑的调查")
    return open_a


def test_the_home_lists_the_open_survey_of_the_household_and_its_link_opens_it(web_for, owner_a, surveys):
    client = web_for(owner_a)
    page = client.get("/owner/").content.decode()
    assert "甲苑四季度满意度调查" in page
    assert "已结束的调查" not in page and "乙苑的调查" not in page
    link = page.split('data-testid="surveys"')[1].split('href="')[1].split('"')[0]
    answer_page = client.get(link)
    assert answer_page.status_code == 200 and "甲苑四季度满意度调查" in answer_page.content.decode()


def test_the_api_lists_the_same_surveys_and_says_which_are_answered(api_for, owner_a, surveys):
    ResponseFactory(survey=surveys, household=owner_a.household)
    data = api_for(owner_a).get("/api/owner/v1/me/").json()
    assert [(s["title"], s["answered"]) for s in data["surveys"]] == [("甲苑四季度满意度调查", True)]
    assert data["surveys"][0]["url"].startswith("http")
