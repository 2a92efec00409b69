"""Per-event report, export with masking by role, return visits; all scoped to the estate."""

import csv
import io
from decimal import Decimal

import pytest
from bulletin.factories import (
    EventFeedbackFactory,
    EventPageFactory,
    EventReturnVisitFactory,
    EventSignupFactory,
)
from bulletin.models import EventReturnVisit
from bulletin.selectors import event_figures
from estates.models import PersonalDataAccess
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def signups(event_a, house_a):
    rows = [EventSignupFactory(event=event_a, house=house_a, mobile=f"1380000{i:04d}", people=1) for i in range(10)]
    rows[0].name = "=HYPERLINK(\"http://evil\")"
    rows[0].save()
    return rows


def test_figures_against_targets(event_a, signups):
    figures = event_figures(event=event_a)
    assert figures.participants == 10 and not figures.return_visit_met and figures.satisfaction_rate is None
    EventReturnVisitFactory(signup=signups[1])
    for s, score in zip(signups[:5], [5, 5, 4, 4, 2], strict=True):
        EventFeedbackFactory(signup=s, score=score)
    figures = event_figures(event=event_a)
    assert figures.return_visit_rate == Decimal("0.1") and figures.return_visit_met
    assert figures.satisfaction_rate == Decimal("0.8") and figures.satisfaction_met
    EventFeedbackFactory(signup=signups[5], score=1)
    assert not event_figures(event=event_a).satisfaction_met


def test_report_shows_met_and_not_met(client_for, secretary_a, event_a, signups):
    EventReturnVisitFactory(signup=signups[1])
    EventFeedbackFactory(signup=signups[2], score=2)
    html = client_for(secretary_a).get(f"/admin/bulletin/events/{event_a.pk}/").content.decode()
    visits = html[html.index('data-target="return-visits"'):].split("</td>")[0]
    satisfaction = html[html.index('data-target="satisfaction"'):].split("</td>")[0]
    assert "未达标" not in visits and ("达标" in visits or "met" in visits)
    assert "未达标" in satisfaction or "not met" in satisfaction
    # The secretary has no personal-data permission: masked mobiles only.
    assert "13800000003" not in html and "138****0003" in html


def test_report_of_another_estate_is_404(client_for, secretary_b, event_a, signups):
    client = client_for(secretary_b)
    assert client.get(f"/admin/bulletin/events/{event_a.pk}/").status_code == 404
    assert client.get(f"/admin/bulletin/events/{event_a.pk}/export.xlsx").status_code == 404


def test_staff_without_permission_get_403(client_for, make_user, estate_a, event_a):
    nobody = make_user(None, [estate_a], username="nobody")
    assert client_for(nobody).get(f"/admin/bulletin/events/{event_a.pk}/").status_code in (302, 403)


def test_xlsx_export_is_masked_for_secretaries_and_escapes_formulas(client_for, secretary_a, event_a, signups):
    response = client_for(secretary_a).get(f"/admin/bulletin/events/{event_a.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 11
    mobiles = [row[2] for row in values[1:]]
    assert all("****" in m for m in mobiles)
    assert values[1][0].startswith("'=")
    assert not PersonalDataAccess.objects.exists()


def test_csv_export_is_unmasked_for_managers_and_logged(client_for, manager_a, event_a, signups):
    response = client_for(manager_a).get(f"/admin/bulletin/events/{event_a.pk}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][2] == "13800000001"
    assert rows[1][0].startswith("'=")
    log = PersonalDataAccess.objects.get(action="export")
    assert log.user == manager_a and log.estate == event_a.estate


def test_unknown_export_format_is_404(client_for, manager_a, event_a):
    assert client_for(manager_a).get(f"/admin/bulletin/events/{event_a.pk}/export.pdf").status_code == 404


def test_record_return_visit_from_the_report(client_for, secretary_a, event_a, signups):
    client = client_for(secretary_a)
    response = client.post(f"/admin/bulletin/events/{event_a.pk}/visits/{signups[3].pk}/", {"note": "很满意"})
    assert response.status_code == 302
    visit = EventReturnVisit.objects.get()
    assert visit.signup == signups[3] and visit.by == secretary_a and visit.note == "很满意"
    assert client.get(f"/admin/bulletin/events/{event_a.pk}/visits/{signups[3].pk}/").status_code == 404


def test_event_list_and_signup_snippets_are_scoped(client_for, secretary_b, secretary_a, event_a, signups, estate_b):
    other = EventPageFactory(estate=estate_b, title="锦华园活动")
    html = client_for(secretary_b).get("/admin/bulletin/events/").content.decode()
    assert "锦华园活动" in html and event_a.title not in html
    listing = client_for(secretary_b).get("/admin/snippets/bulletin/eventsignup/")
    assert listing.status_code == 200 and signups[1].name not in listing.content.decode()
    own = client_for(secretary_a).get("/admin/snippets/bulletin/eventsignup/").content.decode()
    assert "138****0001" in own and "13800000001" not in own
    assert other.pk


def test_page_explorer_links_the_report(client_for, secretary_a, event_a):
    html = client_for(secretary_a).get(f"/admin/pages/{event_a.get_parent().pk}/").content.decode()
    assert f"/admin/bulletin/events/{event_a.pk}/" in html
