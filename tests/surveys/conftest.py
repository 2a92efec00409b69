"""Fixtures of the surveys tests: an estate with occupied households, a steward, a clerk, a survey."""

from datetime import timedelta

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import House
from surveys.factories import QuestionFactory, SurveyFactory
from surveys.models import Area, Question


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def steward(make_user, estate_a):
    return make_user(roles.STEWARD, [estate_a], username="steward_a", last_name="王", first_name="管家")


@pytest.fixture
def clerk(make_user, estate_a):
    return make_user(roles.CLERK, [estate_a], username="clerk_a", last_name="李", first_name="专员")


@pytest.fixture
def manager(make_user, estate_a):
    return make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")


@pytest.fixture
def supervisor(make_user, estate_a):
    return make_user(roles.SUPERVISOR, [estate_a], username="supervisor_a")


@pytest.fixture
def households(estate_a, steward):
    """Four occupied households (two with the steward, two without), and a vacant house."""
    building = BuildingFactory(estate=estate_a, name="二号楼")
    result = []
    for n in range(4):
        house = HouseFactory(building=building, unit="1", room=f"20{n + 1}", floor=2, status=House.Status.OCCUPIED)
        household = HouseholdFactory(house=house, steward=steward if n < 2 else None)
        PersonFactory(household=household, name=f"业主{n}", mobile=f"1390000000{n}")
        result.append(household)
    HouseholdFactory(house=HouseFactory(building=building, unit="1", room="299", floor=2, status=House.Status.VACANT))
    return result


@pytest.fixture
def survey(estate_a):
    survey = SurveyFactory(estate=estate_a, title="2026年业主满意度调查",
                           closes_at=timezone.now() + timedelta(days=10))
    QuestionFactory(survey=survey, kind=Question.Kind.RATING, area=Area.REPAIRS, text="您对维修服务满意吗？", sort_order=1)
    QuestionFactory(survey=survey, kind=Question.Kind.RATING, area=Area.CLEANING, text="您对保洁满意吗？", sort_order=2)
    QuestionFactory(survey=survey, kind=Question.Kind.YES_NO, text="您愿意推荐我们吗？", sort_order=3)
    QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="您的建议", required=False, sort_order=4)
    return survey


def answers_post(survey, *, ratings=(5, 4), yes=True, text="", **extra):
    """The POST body of the survey form."""
    questions = list(survey.questions.all())
    data = {f"q{questions[0].pk}": str(ratings[0]), f"q{questions[1].pk}": str(ratings[1]),
            f"q{questions[2].pk}": "yes" if yes else "no", f"q{questions[3].pk}": text, "website": ""}
    data.update(extra)
    return data
