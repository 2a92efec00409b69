"""Bad input to Wagtail's own routes is a 4xx, never a 500."""

import json

import pytest
from bulletin.factories import NoticePageFactory
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(make_user):
    return make_user(None, [], is_superuser=True, username="root")


def _editor_data(client, page, **fields) -> dict:
    """What the page editor posts: its fields and the empty management forms of its formsets."""
    form = client.get(f"/admin/pages/{page.pk}/edit/").context["form"]
    data = {"title": page.title, "slug": page.slug, "category": page.category, "action-publish": "action-publish"}
    for formset in form.formsets.values():
        prefix = formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return {**data, **fields}


def test_page_editor_post_whose_body_is_not_draftail_json(client_for, root, estate_a):
    notice_a = NoticePageFactory(estate=estate_a)
    client = client_for(root)
    client.raise_request_exception = False
    data = _editor_data(client, notice_a, body="<p>not Draftail JSON</p>", body_en="{not json")
    response = client.post(f"/admin/pages/{notice_a.pk}/edit/", data)
    assert response.status_code == 400
    notice_a.refresh_from_db()
    assert "not Draftail JSON" not in notice_a.body
    assert not notice_a.has_unpublished_changes


def test_page_editor_still_saves_draftail_json(client_for, root, estate_a):
    notice_a = NoticePageFactory(estate=estate_a)
    client = client_for(root)
    body = json.dumps({"blocks": [{"key": "a1b2c", "type": "unstyled", "depth": 0, "text": "新的正文",
                                   "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}})
    data = _editor_data(client, notice_a, body=body, body_en="")
    response = client.post(f"/admin/pages/{notice_a.pk}/edit/", data)
    assert response.status_code == 302
    notice_a.refresh_from_db()
    assert "新的正文" in notice_a.body


def test_empty_post_to_the_external_link_chooser(client_for, root):
    client = client_for(root)
    client.raise_request_exception = False
    response = client.post("/admin/choose-external-link/", {})
    assert 200 <= response.status_code < 500
    assert response.json()["step"] == "external_link" and "error-message" in response.json()["html"]
    chosen = client.post("/admin/choose-external-link/", {"external-link-chooser-url": "https://example.org/"})
    assert chosen.status_code == 200 and chosen.json()["step"] == "external_link_chosen"


@pytest.mark.parametrize("query", ["%00", "a%00b", "%00%00%00"])
def test_api_search_with_a_nul_byte(query):
    client = Client()
    client.raise_request_exception = False
    response = client.get(f"/api/v2/pages/?search={query}")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("url", ["/bulletin/search/?q=%00", "/bulletin/search/?q=a&estate=%00", "/?x=%00"])
def test_a_nul_byte_in_any_query_string_is_a_400(client, url):
    client.raise_request_exception = False
    assert client.get(url).status_code == 400


def test_the_admin_search_with_a_nul_byte_is_a_400(client_for, root):
    client = client_for(root)
    client.raise_request_exception = False
    assert client.get("/admin/pages/search/?q=%00").status_code == 400
