"""A survey's results (per area, building, steward; free text; export), staff entry, a low
answer opening a complaint or a return visit in one click, and the case library."""

import io

import pytest
from django.urls import reverse
from estates import roles
from openpyxl import load_workbook
from servicedesk.factories import TicketFactory
from servicedesk.models import Ticket
from surveys import services
from surveys.factories import CaseReviewFactory
from surveys.models import Answer, CaseReview, QuarterlyVisit, Response

pytestmark = pytest.mark.django_db


def _answer(survey, household, ratings, text=""):
    questions = list(survey.questions.all())
    values = {questions[0].pk: ratings[0], questions[1].pk: ratings[1], questions[2].pk: "yes", questions[3].pk: text}
    return services.response_save(survey=survey, household=household, values=values, channel=Response.Channel.LINK)


def test_results_per_area_building_and_steward(survey, households, manager, client_for):
    _answer(survey, households[0], (5, 4), text="保安很负责")
    _answer(survey, households[2], (1, 5))
    page = client_for(manager).get(reverse("surveys_results", args=[survey.pk]))
    assert page.status_code == 200
    results = page.context["results"]
    assert (results["responses"], results["households"], results["response_rate"]) == (2, 4, 50)
    assert (results["overall"].good, results["overall"].answers) == (3, 4)
    assert {s.label: (s.good, s.answers) for s in results["per_steward"]} == {"王管家": (2, 2), "—": (1, 2)}
    assert [(s.good, s.answers) for s in results["per_building"]] == [(3, 4)]
    assert "保安很负责" in page.content.decode()
    export = client_for(manager).get(reverse("surveys_results", args=[survey.pk]), {"format": "xlsx"})
    cells = [c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row]
    assert "保安很负责" in cells and 75 in cells


def test_staff_enter_answers_from_a_phone_call(survey, households, clerk, client_for):
    questions = list(survey.questions.all())
    data = {"household": households[1].pk, "channel": "phone", f"q{questions[0].pk}": "4",
            f"q{questions[1].pk}": "3", f"q{questions[2].pk}": "no", f"q{questions[3].pk}": ""}
    response = client_for(clerk).post(reverse("surveys_enter", args=[survey.pk]), data)
    assert response.status_code == 302
    saved = Response.objects.get(household=households[1])
    assert saved.channel == "phone" and saved.entered_by == clerk
    bad = client_for(clerk).post(reverse("surveys_enter", args=[survey.pk]), {**data, "channel": "link"})
    assert bad.status_code == 400


def test_a_low_answer_opens_one_complaint_in_one_click(survey, households, clerk, client_for):
    _answer(survey, households[0], (1, 5))
    low = Answer.objects.get(rating=1)
    client = client_for(clerk)
    url = reverse("surveys_answer_followup", args=[low.pk, "complaint"])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a second click opens nothing more
    ticket = Ticket.objects.get()
    assert ticket.kind == Ticket.Kind.COMPLAINT and ticket.house == households[0].house
    assert ticket.contact_mobile == "13900000000" and ticket.handler == clerk
    low.refresh_from_db()
    assert low.ticket == ticket
    good = Answer.objects.get(rating=5)
    assert client.post(reverse("surveys_answer_followup", args=[good.pk, "complaint"])).status_code == 400
    assert Ticket.objects.count() == 1


def test_a_low_answer_plans_a_return_visit(survey, households, steward, client_for):
    _answer(survey, households[0], (2, 5))
    low = Answer.objects.get(rating=2)
    assert client_for(steward).post(reverse("surveys_answer_followup", args=[low.pk, "visit"])).status_code == 302
    visit = QuarterlyVisit.objects.get()
    assert visit.household == households[0] and visit.origin == "survey" and visit.assignee == steward
    # The steward may not take tickets at the desk (Wagtail answers a refusal with its redirect).
    refused = client_for(steward).post(reverse("surveys_answer_followup", args=[low.pk, "complaint"]))
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    assert not Ticket.objects.exists()


def test_another_estate_cannot_see_or_follow_up(survey, households, make_user, estate_b, client_for):
    _answer(survey, households[0], (1, 5))
    low = Answer.objects.get(rating=1)
    other = client_for(make_user(roles.SUPERVISOR, [estate_b], username="sup_b"))
    assert other.get(reverse("surveys_results", args=[survey.pk])).status_code == 404
    assert other.post(reverse("surveys_answer_followup", args=[low.pk, "complaint"])).status_code == 404
    assert not Ticket.objects.exists()


def test_a_supervisor_reviews_a_closed_complaint_into_the_library(estate_a, house_a, supervisor, clerk, client_for):
    from django.utils import timezone

    closed = TicketFactory(house=house_a, kind=Ticket.Kind.COMPLAINT, severity="general", status=Ticket.Status.CLOSED,
                           closed_at=timezone.now(), description="电梯噪音")
    still_open = TicketFactory(house=house_a, kind=Ticket.Kind.COMPLAINT, severity="general")
    client = client_for(supervisor)
    listing = client.get(reverse("surveys_cases"))
    assert [t.pk for t in listing.context["waiting"]] == [closed.pk]
    data = {"cause": "facility", "what_was_done": "更换电梯导轨", "prevention": "每月检查", "lessons": "先排查设备"}
    assert client.post(reverse("surveys_case_review", args=[closed.pk]), data).status_code == 302
    case = CaseReview.objects.get()
    assert case.estate == estate_a and case.reviewed_by == supervisor
    assert client.get(reverse("surveys_case_review", args=[still_open.pk])).status_code == 404
    assert client.post(reverse("surveys_case_review", args=[closed.pk]), {**data, "prevention": ""}).status_code == 400
    # The clerk reads the library, searchable by category, period and words.
    reader = client_for(clerk)
    assert len(reader.get(reverse("surveys_cases"), {"cause": "facility", "q": "导轨"}).context["cases"]) == 1
    assert len(reader.get(reverse("surveys_cases"), {"cause": "fees"}).context["cases"]) == 0
    period = timezone.localdate().strftime("%Y-%m")
    assert len(reader.get(reverse("surveys_cases"), {"period": period}).context["cases"]) == 1
    assert reader.get(reverse("surveys_cases"), {"period": "x"}).status_code == 400
    refused = reader.get(reverse("surveys_case_review", args=[closed.pk]))
    assert refused.status_code in (302, 403) and b"<form" not in refused.content


def test_every_model_has_a_working_factory(estate_a):
    from surveys import factories

    CaseReviewFactory(estate=estate_a)
    for name in ("SurveyFactory", "QuestionFactory", "ResponseFactory", "AnswerFactory", "QuarterlyVisitFactory",
                 "EstateTargetFactory"):
        getattr(factories, name)()
