"""The public address (WAGTAILADMIN_BASE_URL) configures the default Site, so the API links right."""

import pytest
from bulletin.factories import NoticePageFactory, home_for
from estatedesk.public_address import configure_default_site
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_base_url_configures_the_default_site_and_the_apis_html_url(client, settings, estate_a):
    settings.WAGTAILADMIN_BASE_URL = "https://desk.example.com"
    home_for(estate_a)
    NoticePageFactory(estate=estate_a, title="停水通知", slug="water")
    configure_default_site()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("desk.example.com", 443)
    item = client.get("/api/v2/pages/?estate=HYY&type=bulletin.NoticePage").json()["items"][0]
    assert item["meta"]["html_url"].startswith("https://desk.example.com/")
