"""factory_boy factories of surveys (tests and demo data). Rows are bare: use surveys.services
when the rules matter."""

from datetime import timedelta
from decimal import Decimal

import factory
from archives.factories import HouseholdFactory
from django.utils import timezone
from estates.factories import EstateFactory
from servicedesk.factories import TicketFactory
from servicedesk.models import Ticket

from surveys.models import (
    Answer,
    CaseReview,
    EstateTarget,
    QuarterlyVisit,
    Question,
    Response,
    Survey,
)
from surveys.periods import quarter_of


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    estate = factory.SubFactory(EstateFactory)
    title = factory.Sequence(lambda n: f"2026年第{n % 4 + 1}季度业主满意度调查")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    intro = "感谢您抽出时间评价我们的服务。"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    kind = Question.Kind.RATING
    text = factory.Sequence(lambda n: f"您对我们的服务满意吗？({n})")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    household = factory.SubFactory(HouseholdFactory, house__building__estate=factory.SelfAttribute("....survey.estate"))
    channel = Response.Channel.LINK


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.LazyAttribute(lambda a: QuestionFactory(survey=a.response.survey, kind=Question.Kind.TEXT))
    text = "绿化养护很好"


class QuarterlyVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyVisit

    estate = factory.SubFactory(EstateFactory)
    household = factory.SubFactory(HouseholdFactory, house__building__estate=factory.SelfAttribute("....estate"))
    quarter = factory.LazyFunction(lambda: quarter_of(timezone.localdate()).start)
    due_on = factory.LazyAttribute(lambda v: quarter_of(v.quarter).end - timedelta(days=1))
    remarks = ""


class EstateTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EstateTarget

    estate = factory.SubFactory(EstateFactory)
    figure = "survey_satisfaction"
    target = Decimal("90")
    valid_from = factory.LazyFunction(timezone.localdate)
    note = "业委会要求"


class CaseReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseReview

    estate = factory.SubFactory(EstateFactory)
    ticket = factory.SubFactory(
        TicketFactory, kind=Ticket.Kind.COMPLAINT, severity=Ticket.Severity.GENERAL, status=Ticket.Status.CLOSED,
        closed_at=factory.LazyFunction(timezone.now), house__building__estate=factory.SelfAttribute("....estate"),
        description="楼上装修噪音")
    cause = CaseReview.Cause.NEIGHBOUR
    what_was_done = "上门协调，约定施工时间"
    prevention = "装修登记时告知施工时间规定"
    lessons = "及时沟通"
