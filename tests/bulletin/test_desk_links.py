"""Owners find the desk from any bulletin page: the report form, the status lookup and the hotline."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotlines(estate_a, estate_b):
    type(estate_a).objects.filter(pk=estate_a.pk).update(hotline="021-5888 1234")
    type(estate_b).objects.filter(pk=estate_b.pk).update(hotline="021-6466 5678")


def test_every_bulletin_page_links_to_the_desk_and_shows_the_hotline(client, hotlines, home_a, home_b, notice_a, event_a):
    estate_pages = [home_a.url, f"{home_a.url}notices/", notice_a.url, f"{home_a.url}events/", event_a.url,
                    f"/bulletin/events/{event_a.pk}/signup/"]
    for url in estate_pages:
        html = client.get(url).content.decode()
        assert 'href="/service/report/"' in html and 'href="/service/status/"' in html, url
        assert "报修" in html and "021-5888 1234" in html, url
        assert "021-6466 5678" not in html, url  # the page's own estate, not another's
    for url in ["/", "/bulletin/search/?q=停水"]:
        html = client.get(url).content.decode()
        assert 'href="/service/report/"' in html and 'href="/service/status/"' in html, url
        assert "021-5888 1234" in html and "021-6466 5678" in html, url


def test_the_links_lead_to_working_pages(client, hotlines, home_a):
    assert client.get("/service/report/").status_code == 200
    assert client.get("/service/status/").status_code == 200
