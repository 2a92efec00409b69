"""Wagtail's reports per estate: site history (and its exports) and page types usage."""

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from estates import roles
from wagtail.log_actions import log

pytestmark = pytest.mark.django_db

SITE_HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def logged_people(house_a, house_b, supervisor_a):
    mine = PersonFactory(household=HouseholdFactory(house=house_b), name='=HYPERLINK("http://x","JHYOWNER")')
    theirs = PersonFactory(household=HouseholdFactory(house=house_a), name="HYYOWNERMARK")
    log(mine, "wagtail.edit", user=supervisor_a)
    log(theirs, "wagtail.edit", user=supervisor_a)
    return mine, theirs


def test_site_history_shows_only_the_users_estates(client_for, clerk_b, logged_people):
    client = client_for(clerk_b)
    for url in (SITE_HISTORY, SITE_HISTORY + "results/", SITE_HISTORY + "?export=csv", SITE_HISTORY + "?export=xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"HYYOWNERMARK" not in body, url
    html = client.get(SITE_HISTORY).content.decode()
    assert "JHYOWNER" in html


def test_site_history_csv_escapes_formula_cells(client_for, clerk_b, logged_people):
    response = client_for(clerk_b).get(SITE_HISTORY + "?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert ',=HYPERLINK' not in body and '"=HYPERLINK' not in body


def test_page_types_usage_is_for_superusers_only(client_for, make_user, estate_a, admin_user):
    secretary = make_user(roles.SECRETARY, [estate_a], username="sec")
    client = client_for(secretary)
    assert client.get("/admin/reports/page-types-usage/").status_code == 404
    assert client.get("/admin/reports/page-types-usage/results/").status_code == 404
    assert "/admin/reports/page-types-usage/" not in client.get("/admin/").content.decode()
    assert client_for(admin_user).get("/admin/reports/page-types-usage/").status_code == 200
