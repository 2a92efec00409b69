"""The scorecard's figures by month, quarter and year against a hand-made fixture, including a
quarter spanning a change of the estate's targets; the page, its export and the old KPI page."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from archives.factories import HouseholdFactory
from django.urls import reverse
from estates.factories import BuildingFactory, HouseFactory
from fees.factories import BillFactory
from openpyxl import load_workbook
from servicedesk.factories import ReturnVisitFactory, TicketClockFactory, TicketFactory
from servicedesk.models import Ticket, TicketClock
from surveys import periods, scorecard
from surveys.factories import (
    AnswerFactory,
    CaseReviewFactory,
    EstateTargetFactory,
    QuarterlyVisitFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
)
from surveys.models import Figure, Question

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=SH)


@pytest.fixture
def frozen():
    with time_machine.travel(at(11, 20), tick=False):
        yield


@pytest.fixture
def world(frozen, estate_a, clerk, steward):
    """Q3 2026 of estate A, counted by hand:
    - repairs: Jul 1 in time + 1 late, Aug 1 in time, Sep 1 missed → Q3 2/4;
    - survey ratings: Jul 5 [5, 4, 2], Aug 20 [5, 5] → Q3 4/5;
    - targets: survey satisfaction 90 % from Aug 1 (95 before), repairs 40 % from Sep 1 (100 before);
    - quarterly visits of Q3: 3 of 4 visited in the quarter → 75 %;
    - bills: Jul 250 paid 250, Aug 250 paid 0 → 50 %.
    """
    building = BuildingFactory(estate=estate_a, name="五号楼")
    house = HouseFactory(building=building, room="501")

    def repair(started, due, met):
        ticket = TicketFactory(house=house, kind=Ticket.Kind.REPAIR, handler=clerk, received_at=started)
        TicketClockFactory(ticket=ticket, kind=TicketClock.Kind.FINISH, started_at=started, due_at=due, met_at=met)
        return ticket

    repair(at(7, 8), at(7, 11), at(7, 10))
    repair(at(7, 13), at(7, 15), at(7, 20))
    visited = repair(at(8, 3), at(8, 5), at(8, 4))
    ReturnVisitFactory(ticket=visited, satisfaction=4, at=at(8, 6))
    repair(at(9, 8), at(9, 10), None)

    survey = SurveyFactory(estate=estate_a, opens_on=date(2026, 7, 1), closes_at=at(9, 30))
    q1 = QuestionFactory(survey=survey, kind=Question.Kind.RATING)
    q2 = QuestionFactory(survey=survey, kind=Question.Kind.RATING)
    q3 = QuestionFactory(survey=survey, kind=Question.Kind.RATING)

    def respond(when, ratings, household_steward=None):
        household = HouseholdFactory(house=HouseFactory(building=building), steward=household_steward)
        response = ResponseFactory(survey=survey, household=household, submitted_at=when)
        for question, rating in zip((q1, q2, q3), ratings, strict=False):
            AnswerFactory(response=response, question=question, rating=rating, text="")

    respond(at(7, 5), [5, 4, 2], household_steward=steward)
    respond(at(8, 20), [5, 5])

    EstateTargetFactory(estate=estate_a, figure=Figure.SURVEY_SATISFACTION, target=Decimal("90"), valid_from=date(2026, 8, 1))
    EstateTargetFactory(estate=estate_a, figure=Figure.REPAIR_TIMELINESS, target=Decimal("40"), valid_from=date(2026, 9, 1))

    for n in range(4):
        household = HouseholdFactory(house=HouseFactory(building=building, room=f"60{n}"))
        QuarterlyVisitFactory(estate=estate_a, household=household, quarter=date(2026, 7, 1), due_on=date(2026, 9, 30),
                              assignee=steward, visited_at=at(8, 10 + n) if n < 3 else None)

    BillFactory(house=house, period=date(2026, 7, 1), amount=Decimal("250.00"), paid=Decimal("250.00"))
    BillFactory(house=house, period=date(2026, 8, 1), amount=Decimal("250.00"), paid=Decimal("0.00"))
    return estate_a


def _row(manager, estate, label):
    (row,) = scorecard.scorecard(user=manager, estates=[estate], period=periods.parse(label))
    return row.scores


def test_a_quarter_spanning_target_changes(world, manager):
    scores = _row(manager, world, "2026-Q3")
    repairs, survey = scores[Figure.REPAIR_TIMELINESS], scores[Figure.SURVEY_SATISFACTION]
    assert (repairs.num, repairs.den, repairs.value) == (2, 4, Decimal("50.0"))
    # Jul–Aug: 3 due under 100 %, Sep: 1 due under 40 % → (300 + 40) / 4.
    assert repairs.target == Decimal("85.00") and repairs.met is False
    assert (survey.num, survey.den, survey.value) == (4, 5, Decimal("80.0"))
    # Jul: 3 answers under 95 %, Aug: 2 answers under 90 % → (285 + 180) / 5.
    assert survey.target == Decimal("93.00") and survey.met is False
    coverage = scores[Figure.VISIT_COVERAGE]
    assert (coverage.num, coverage.den, coverage.value, coverage.target) == (3, 4, Decimal("75.0"), Decimal("100.00"))
    collection = scores[Figure.COLLECTION_RATE]
    assert (collection.num, collection.den, collection.value) == (Decimal("250"), Decimal("500"), Decimal("50.0"))
    satisfaction = scores[Figure.TICKET_SATISFACTION]
    assert (satisfaction.num, satisfaction.den, satisfaction.value) == (4, 1, Decimal("4.00"))


def test_months_are_judged_against_their_own_targets(world, manager):
    july, august, september = (_row(manager, world, f"2026-{m:02d}") for m in (7, 8, 9))
    assert (july[Figure.SURVEY_SATISFACTION].value, july[Figure.SURVEY_SATISFACTION].target) == (Decimal("66.7"), Decimal("95.00"))
    assert july[Figure.SURVEY_SATISFACTION].met is False
    assert (august[Figure.SURVEY_SATISFACTION].value, august[Figure.SURVEY_SATISFACTION].target) == (Decimal("100.0"), Decimal("90.00"))
    assert august[Figure.SURVEY_SATISFACTION].met is True
    assert (july[Figure.REPAIR_TIMELINESS].num, july[Figure.REPAIR_TIMELINESS].den) == (1, 2)
    assert (september[Figure.REPAIR_TIMELINESS].value, september[Figure.REPAIR_TIMELINESS].target) == (Decimal("0.0"), Decimal("40.00"))
    # Nothing due: no value, and the target in force at the month's end.
    assert september[Figure.SURVEY_SATISFACTION].value is None
    assert september[Figure.SURVEY_SATISFACTION].target == Decimal("90")
    assert july[Figure.VISIT_COVERAGE].den == 4 and august[Figure.VISIT_COVERAGE].den == 0


def test_the_year_adds_up_its_quarters(world, manager):
    year = _row(manager, world, "2026")
    quarter = _row(manager, world, "2026-Q3")
    for code in Figure.values:
        assert (year[code].num, year[code].den) == (quarter[code].num, quarter[code].den), code
    assert year[Figure.SURVEY_SATISFACTION].target == Decimal("93.00")
    assert _row(manager, world, "2026-Q2")[Figure.REPAIR_TIMELINESS].den == 0


def test_per_person_rows(world, manager, clerk, steward):
    rows = scorecard.scorecard(user=manager, estates=[world], period=periods.parse("2026-Q3"), by_person=True)
    by_name = {row.person_name: row.scores for row in rows}
    assert (by_name["李专员"][Figure.REPAIR_TIMELINESS].num, by_name["李专员"][Figure.REPAIR_TIMELINESS].den) == (2, 4)
    assert by_name["王管家"][Figure.SURVEY_SATISFACTION].den == 3
    assert by_name["王管家"][Figure.VISIT_COVERAGE].den == 4
    assert Figure.COLLECTION_RATE not in by_name["王管家"]


def test_the_trend_has_twelve_periods(world, manager):
    trend = scorecard.trend(user=manager, estates=[world], period=periods.parse("2026-Q3"))
    assert [p.label for p, _row in trend][-2:] == ["2026-Q2", "2026-Q3"] and len(trend) == 12
    assert trend[-1][1].scores[Figure.REPAIR_TIMELINESS].den == 4


def test_the_page_by_month_quarter_and_year_and_the_export(world, manager, client_for):
    client = client_for(manager)
    for label in ("2026-07", "2026-Q3", "2026"):
        page = client.get(reverse("surveys_scorecard"), {"period": label, "by": "person"})
        assert page.status_code == 200, label
        assert f'data-period="{label}"'.encode() in page.content
    page = client.get(reverse("surveys_scorecard"), {"period": "2026-Q3"})
    html = page.content.decode()
    assert "50.0%" in html and "(2/4)" in html and "93.00" in html
    assert 'id="scorecard-trend"' in html
    export = client.get(reverse("surveys_scorecard"), {"period": "2026-Q3", "format": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    values = [c.value for c in list(sheet.iter_rows(min_row=2, max_row=2))[0]]
    column = header.index(str(Figure.REPAIR_TIMELINESS.label))
    # value, numerator, denominator, target, met
    assert values[column:column + 4] == [50, 2, 4, 85]


def test_a_bad_period_is_a_400(manager, client_for):
    for bad in ("2026-13", "2026-Q5", "26", "2026-7-1", "\u00002026"):
        assert client_for(manager).get(reverse("surveys_scorecard"), {"period": bad}).status_code == 400


def test_the_old_kpi_page_sends_quarters_and_years_to_the_scorecard(manager, client_for):
    client = client_for(manager)
    response = client.get(reverse("servicedesk_kpi"), {"month": "2026-Q3"})
    assert response.status_code == 302 and "period=2026-Q3" in response["Location"]
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("servicedesk_kpi"), {"month": "2026"}).status_code == 302
    assert client.get(reverse("servicedesk_kpi"), {"month": "2026-07"}).status_code == 200


def test_the_top_causes_of_the_period(world, manager, client_for):
    for _n in range(2):
        CaseReviewFactory(estate=world, ticket__closed_at=at(8, 1))
    CaseReviewFactory(estate=world, cause="delay", ticket__closed_at=at(8, 2))
    CaseReviewFactory(estate=world, cause="fees", ticket__closed_at=at(10, 2))
    causes = scorecard.top_causes(estates=[world], period=periods.parse("2026-Q3"))
    assert [(c["cause"], c["count"]) for c in causes] == [("neighbour", 2), ("delay", 1)]


def test_other_estates_are_not_on_my_scorecard(world, estate_b, make_user, client_for):
    from estates import roles

    other = make_user(roles.ESTATE_MANAGER, [estate_b], username="manager_b")
    page = client_for(other).get(reverse("surveys_scorecard"), {"period": "2026-Q3"})
    assert page.status_code == 200
    assert world.name not in page.content.decode()
    assert client_for(other).get(reverse("surveys_scorecard"), {"period": "2026-Q3", "estate": world.pk}).status_code == 400
