"""Search-box text with FTS5 syntax characters neither crashes nor stops a real match."""

import pytest
from django.urls import reverse
from wagtail.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_named_water():
    root = Page.get_first_root_node()
    return root.add_child(instance=Page(title="water outage", slug="water-outage"))


@pytest.mark.parametrize("query", ['water"', "(water", "water<", "'water'"])
def test_admin_page_search_with_stray_syntax_still_finds_the_page(admin_client, page_named_water, query):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": query})
    assert response.status_code == 200
    assert "water outage" in response.content.decode()


def test_a_query_of_nothing_but_syntax_finds_nothing(admin_client, page_named_water):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "\"'<>"})
    assert response.status_code == 200
    assert "water outage" not in response.content.decode()
