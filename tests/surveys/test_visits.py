"""Quarterly return visits: the plan under frozen time (run twice = same rows), assignment to the
steward or the clerks in turn, the sweep making up a lost run, recording a visit, the progress."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from estatedesk.sweeps import run_frequent_sweep
from estates import roles
from servicedesk.models import Ticket
from surveys import services, tasks
from surveys.factories import QuarterlyVisitFactory
from surveys.models import QuarterlyVisit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def start_of_q4():
    with time_machine.travel(datetime(2026, 10, 1, 0, 5, tzinfo=SH), tick=False) as traveller:
        yield traveller


def test_the_plan_is_one_visit_per_occupied_household_and_idempotent(start_of_q4, households, steward, clerk,
                                                                       make_user, estate_a):
    other_clerk = make_user(roles.CLERK, [estate_a], username="clerk_a2")
    assert tasks.plan_quarterly_visits.call_local() == 4
    assert tasks.plan_quarterly_visits.call_local() == 0
    visits = list(QuarterlyVisit.objects.order_by("household_id"))
    assert len(visits) == 4  # the vacant house gets none
    assert {str(v.quarter) for v in visits} == {"2026-10-01"} and {str(v.due_on) for v in visits} == {"2026-12-31"}
    assert [v.assignee for v in visits[:2]] == [steward, steward]
    # Households without a steward are spread over the estate's clerks.
    assert {v.assignee for v in visits[2:]} == {clerk, other_clerk}
    assert visits[0].quarter_label == "2026-Q4"


def test_the_next_quarter_gets_its_own_plan(start_of_q4, households):
    services.visits_plan()
    start_of_q4.move_to(datetime(2027, 1, 1, 9, 0, tzinfo=SH))
    assert services.visits_plan() == 4
    assert QuarterlyVisit.objects.count() == 8


def test_the_frequent_sweep_makes_up_a_lost_plan(start_of_q4, households):
    result = run_frequent_sweep(fees_daily=False)
    assert result["visits_planned"] == 4
    assert run_frequent_sweep(fees_daily=False)["visits_planned"] == 0
    assert QuarterlyVisit.objects.count() == 4


def test_a_steward_records_a_visit_that_opens_a_ticket(start_of_q4, households, steward, client_for):
    services.visits_plan()
    visit = QuarterlyVisit.objects.filter(assignee=steward).first()
    client = client_for(steward)
    start_of_q4.move_to(datetime(2026, 10, 12, 15, 0, tzinfo=SH))
    assert client.get(reverse("surveys_visit", args=[visit.pk])).status_code == 200
    data = {"visited_at": "2026-10-12T14:30", "method": "door", "answered_by": "业主本人", "satisfaction": "3",
            "remarks": "楼道灯坏了", "ticket_kind": "repair", "ticket_description": "3楼楼道灯不亮"}
    response = client.post(reverse("surveys_visit", args=[visit.pk]), data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.done and visit.satisfaction == 3 and visit.method == "door" and visit.recorded_by == steward
    assert visit.ticket.kind == Ticket.Kind.REPAIR and visit.ticket.house == visit.household.house
    # Bad input: a 400 and nothing changes.
    response = client.post(reverse("surveys_visit", args=[visit.pk]), {**data, "satisfaction": "9"})
    assert response.status_code == 400
    assert Ticket.objects.count() == 1


def test_visits_are_listed_with_their_state_and_the_progress_report(start_of_q4, households, steward, manager,
                                                                     client_for, estate_a):
    services.visits_plan()
    QuarterlyVisitFactory(estate=estate_a, quarter=datetime(2026, 7, 1).date(), due_on=datetime(2026, 9, 30).date(),
                          assignee=steward)
    client = client_for(steward)
    page = client.get(reverse("surveys_visits"), {"mine": "on", "state": "due"})
    assert page.status_code == 200 and len(page.context["visits"]) == 2
    assert len(client.get(reverse("surveys_visits"), {"mine": "on", "state": "overdue"}).context["visits"]) == 1
    assert client.get(reverse("surveys_visits"), {"quarter": "2026-13"}).status_code == 400
    report = client_for(manager).get(reverse("surveys_visits_progress"), {"quarter": "2026-Q4"})
    assert report.status_code == 200
    (estate_row,) = report.context["progress"]["estates"]
    assert (estate_row.done, estate_row.due, estate_row.overdue) == (0, 4, 0)
    export = client_for(manager).get(reverse("surveys_visits_progress"), {"quarter": "2026-Q4", "format": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_the_workbench_shows_my_visits_due(start_of_q4, households, steward, client_for):
    services.visits_plan()
    page = client_for(steward).get(reverse("wagtailadmin_home"))
    assert page.status_code == 200
    assert b'data-panel="visits-due"' in page.content
    assert b'<strong data-count="due">2</strong>' in page.content


def test_the_managers_workbench_has_the_kpi_tiles(start_of_q4, manager, client_for, estate_b, make_user):
    make_user(roles.ESTATE_MANAGER, [estate_b], username="x")
    from estates.models import StaffMembership

    StaffMembership.objects.create(user=manager, estate=estate_b)
    page = client_for(manager).get(reverse("wagtailadmin_home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-panel="kpis"' in html and html.count("data-tile=") == 5
    assert 'id="kpi-estates"' in html  # the month's comparison between estates
