"""An owner answers the satisfaction survey on a phone through the personal link; the 1-star
answer opens a complaint in one click; the scorecard moves."""

from datetime import timedelta

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory
from servicedesk.models import Ticket
from surveys.factories import QuestionFactory, SurveyFactory
from surveys.models import Area, Question
from surveys.services import survey_link


@pytest.fixture
def world(transactional_db, make_user, settings, live_server, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    estate = EstateFactory(name="和悦苑", code="HYY")
    house = HouseFactory(building=BuildingFactory(estate=estate, name="一号楼"), room="101")
    household = HouseholdFactory(house=house)
    PersonFactory(household=household, name="张业主", mobile="13900000001")
    survey = SurveyFactory(estate=estate, title="业主满意度调查", closes_at=timezone.now() + timedelta(days=7))
    repairs = QuestionFactory(survey=survey, kind=Question.Kind.RATING, area=Area.REPAIRS, text="您对维修服务满意吗？", sort_order=1)
    cleaning = QuestionFactory(survey=survey, kind=Question.Kind.RATING, area=Area.CLEANING, text="您对保洁满意吗？", sort_order=2)
    remark = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="您的建议", required=False, sort_order=3)
    supervisor = make_user(roles.SUPERVISOR, [estate], username="e2e_sup")
    return survey, household, (repairs, cleaning, remark), supervisor


def _satisfaction_cell(page, live_server):
    page.goto(f"{live_server.url}/admin/surveys/scorecard/")
    return page.locator("tr[data-figure='survey_satisfaction'] td[data-estate='HYY']").inner_text()


def test_an_owner_answers_on_a_phone_and_a_one_star_opens_a_complaint(phone_page, page, live_server, admin_login, world):
    survey, household, (repairs, cleaning, remark), supervisor = world
    admin_login(page, "e2e_sup")
    assert _satisfaction_cell(page, live_server).strip() == "—"

    phone_page.goto(survey_link(survey=survey, household=household))
    assert phone_page.locator("h1").inner_text() == "业主满意度调查"
    # Phone-first: nothing wider than the screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.check(f"input[name='q{repairs.pk}'][value='1']")
    phone_page.check(f"input[name='q{cleaning.pk}'][value='5']")
    phone_page.fill(f"textarea[name='q{remark.pk}']", "报修三天没人来")
    phone_page.click("button[type=submit]")
    phone_page.wait_for_selector("[data-thanks]")

    cell = _satisfaction_cell(page, live_server)
    assert "50.0%" in cell and "(1/2)" in cell

    page.goto(f"{live_server.url}/admin/surveys/{survey.pk}/results/")
    page.click("button[data-open-complaint]")
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert ticket.kind == Ticket.Kind.COMPLAINT and ticket.house == household.house
    assert "报修三天没人来" in ticket.description
    assert page.locator("#low-answers").get_by_text(ticket.number).is_visible()
