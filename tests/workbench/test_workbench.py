"""The admin home is each role's workbench: figures known by hand, and each figure's link lands on a
listing with exactly that many rows (through the admin views)."""

import re

import pytest

pytestmark = pytest.mark.django_db

#: role → {figure label (as shown in English) → count}, from the comments of conftest.desk.
EXPECTED = {
    "clerk": {"overdue": 1, "due within 2 hours": 2, "due later today": 1, "waiting for a return visit": 1},
    "supervisor": {
        "loans waiting for approval": 2, "waiting for the supervisor to take over": 1,
        "escalated to the supervisor": 1,
    },
    "manager": {
        "loans waiting for approval": 2, "waiting for the supervisor to take over": 1,
        "escalated to the supervisor": 1,
    },
    "frontdesk": {"approved, to hand out": 1, "due back later today": 1, "overdue": 1},
    "steward": {"arrears: phone calls due": 2, "arrears: door visits due": 1, "waiting for a return visit": 1},
    "secretary": {"drafts": 2, "scheduled notices": 1, "events waiting for return visits": 1},
}

FIGURE = re.compile(
    r'<a class="workbench__figure[^"]*" href="([^"]+)" data-figure>\s*'
    r'<strong class="workbench__count" data-count>(\d+)</strong>\s*'
    r'<span class="workbench__label">([^<]+)</span>'
)


def _figures(client):
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    return html, {label: (int(count), url.replace("&amp;", "&")) for url, count, label in FIGURE.findall(html)}


def _rows(client, url) -> int:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    context = response.context
    if "items_count" in context:
        return context["items_count"]
    if "events" in context:
        return len(context["events"])
    return len(context["pages"])


@pytest.mark.parametrize("role", list(EXPECTED))
def test_workbench_figures_and_their_listings(role, desk, client_for, settings):
    settings.LANGUAGE_CODE = "en"
    client = client_for(desk[role])
    html, figures = _figures(client)
    assert {label: count for label, (count, _url) in figures.items()} == EXPECTED[role]
    for label, (count, url) in figures.items():
        assert _rows(client, url) == count, (label, url)


def test_wagtail_default_panels_are_gone(desk, client_for, settings):
    settings.WAGTAIL_SITE_NAME = "和悦物业客服中心"
    response = client_for(desk["secretary"]).get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    for gone in ("Search all pages", "editor guide", "localhost", 'data-panel="site-summary"', "w-summary"):
        assert gone not in html
    assert "和悦物业客服中心" in html
    assert "<title>" in html and "和悦物业客服中心</title>" in html.replace("\n", "")


def test_a_role_sees_only_its_own_figures(desk, client_for):
    html, figures = _figures(client_for(desk["frontdesk"]))
    assert 'data-section="front_desk"' in html
    assert 'data-section="clerk"' not in html and 'data-section="secretary"' not in html


def test_pages_listing_refuses_who_cannot_edit_pages(desk, client_for):
    # Wagtail answers a PermissionDenied in the admin with a redirect home and a message.
    assert client_for(desk["frontdesk"]).get("/admin/workbench/pages/?state=draft").status_code in (302, 403)
    assert client_for(desk["secretary"]).get("/admin/workbench/pages/?state=nonsense").status_code == 404
