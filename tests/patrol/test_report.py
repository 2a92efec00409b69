"""The patrol report against a hand-made fixture, on the page and in the xlsx export."""

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.urls import reverse
from patrol.factories import CheckpointFactory, HazardFactory, PatrolRoundFactory, RoundVisitFactory
from patrol.models import Hazard, PatrolRound
from patrol.selectors import report_table

from tests.patrol.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def fixture(estate_a, estate_b, plan, pump_room, roof):
    """November 1-10 in estate A: 5 rounds (2 done, one of them late; 2 missed; 1 due),
    the garden never visited, 4 hazards; plus one round and hazard outside the period or estate."""
    garden = CheckpointFactory(estate=estate_a, name="中心花园")
    CheckpointFactory(estate=estate_a, name="旧锅炉房", active=False)  # not in use: not counted
    S = PatrolRound.Status
    rounds = [
        PatrolRoundFactory(plan=plan, date=date(2026, 11, 2), window_start=at(2, 8), window_end=at(2, 11),
                           status=S.DONE, finished_at=at(2, 10)),
        PatrolRoundFactory(plan=plan, date=date(2026, 11, 3), window_start=at(3, 8), window_end=at(3, 11),
                           status=S.DONE, finished_at=at(3, 12)),
        PatrolRoundFactory(plan=plan, date=date(2026, 11, 4), window_start=at(4, 8), window_end=at(4, 11), status=S.MISSED),
        PatrolRoundFactory(plan=plan, date=date(2026, 11, 5), window_start=at(5, 8), window_end=at(5, 11), status=S.MISSED),
        PatrolRoundFactory(plan=plan, date=date(2026, 11, 10), window_start=at(10, 8), window_end=at(10, 11)),
        PatrolRoundFactory(plan=plan, date=date(2026, 11, 11), window_start=at(11, 8), window_end=at(11, 11),
                           status=S.DONE, finished_at=at(11, 9)),  # after the period
    ]
    RoundVisitFactory(round=rounds[0], checkpoint=pump_room)
    RoundVisitFactory(round=rounds[1], checkpoint=roof)
    RoundVisitFactory(round=rounds[5], checkpoint=garden)  # outside the period: garden still never visited
    H = Hazard.Status
    HazardFactory(estate=estate_a, department="engineering", severity="high", reported_at=at(2),
                  deadline=at(3), status=H.VERIFIED, rectified_at=at(2, 15))   # 6 h, in time
    HazardFactory(estate=estate_a, department="engineering", severity="high", reported_at=at(3),
                  deadline=at(4), status=H.RECTIFIED, rectified_at=at(4, 15))  # 30 h, late
    HazardFactory(estate=estate_a, department="cleaning", severity="low", reported_at=at(4),
                  deadline=at(5), status=H.ASSIGNED)                            # open, past deadline
    HazardFactory(estate=estate_a, department="", severity="medium", reported_at=at(10),
                  deadline=at(10) + timedelta(days=30))                         # open, in time
    HazardFactory(estate=estate_a, severity="high", reported_at=at(12), deadline=at(13))   # after the period
    HazardFactory(estate=estate_b, severity="high", reported_at=at(3), deadline=at(4))     # other estate
    return rounds


URL = reverse("patrol_report") + "?estate={}&start=2026-11-01&end=2026-11-10"


def test_figures_on_the_page(fixture, estate_a, supervisor_a, client_for):
    response = client_for(supervisor_a).get(URL.format(estate_a.pk))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.planned, report.done, report.late, report.missed, report.open) == (5, 2, 1, 2, 1)
    assert [c.name for c in report.never_visited] == ["中心花园"]
    assert (report.hazards_found, report.hazards_rectified, report.hazards_overdue) == (4, 2, 2)
    assert report.average_rectification_hours == 18.0
    rows = {(r.department, r.severity): (r.found, r.rectified, r.overdue) for r in report.hazard_rows}
    assert rows == {("engineering", "high"): (2, 2, 1), ("cleaning", "low"): (1, 0, 1), ("", "medium"): (1, 0, 0)}
    html = response.content.decode()
    assert 'data-figure="missed">2<' in html and "中心花园" in html and 'data-figure="average">18' in html


def test_xlsx_export_carries_the_same_figures(fixture, estate_a, supervisor_a, client_for):
    client = client_for(supervisor_a)
    report = client.get(URL.format(estate_a.pk)).context["report"]
    response = client.get(URL.format(estate_a.pk) + "&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header, body = report_table(report)
    assert rows[0] == header
    assert rows[1:] == [[None if v == "" else v for v in line] for line in body]
    figures = [line[3] for line in rows[1:6]]
    assert figures[1:] == [5, 2, 1, 2]  # planned, done, late, missed
    assert ["中心花园"] == [line[3] for line in rows if line[0] == body[6][0]]
    assert rows[-1][3] == 18


def test_the_report_is_scoped_to_the_users_estates(fixture, estate_b, clerk_b, make_user, client_for):
    from estates import roles

    sup_b = make_user(roles.SUPERVISOR, [estate_b], username="sup_b")
    # Estate A is not a choice for estate B's staff: a 400 with the form's message, no figures.
    response = client_for(sup_b).get(URL.replace("{}", str(fixture[0].estate_id)))
    assert response.status_code == 400
    all_mine = client_for(sup_b).get(reverse("patrol_report") + "?start=2026-11-01&end=2026-11-10")
    report = all_mine.context["report"]
    assert (report.planned, report.hazards_found) == (0, 1)


@pytest.mark.parametrize("query", ["start=2026-11-10&end=2026-11-01", "start=junk", "start=2020-01-01&end=2026-01-01"])
def test_bad_periods_are_400(supervisor_a, client_for, query):
    assert client_for(supervisor_a).get(reverse("patrol_report") + "?" + query).status_code == 400
