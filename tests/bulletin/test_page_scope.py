"""Each estate's bulletin pages belong to it: HYY's secretary reads and changes none of JHY's
pages (drafts included) through the explorer, the page search, the page chooser or the admin API."""

import json

import pytest
from bulletin.factories import NoticePageFactory
from bulletin.services import notice_index_of

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "JHYDRAFTMARKER"
#: Searches use another word of the title, so that the echoed query is not the marker itself.
WORD = "secretdraft"


@pytest.fixture
def draft_b(home_b):
    notice = NoticePageFactory.build(title=f"{WORD} {DRAFT_TITLE}", live=False)
    notice_index_of(home_b).add_child(instance=notice)
    return notice


def text(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def test_another_estates_draft_is_in_no_listing(client_for, secretary_a, home_a, notice_a, draft_b):
    client = client_for(secretary_a)
    urls = [
        "/admin/pages/",
        f"/admin/pages/{home_a.get_parent().pk}/",
        f"/admin/pages/search/?q={WORD}",
        f"/admin/pages/{home_a.pk}/?q={WORD}&search_all=1",
        "/admin/choose-page/",
        f"/admin/choose-page/search/?q={WORD}",
        "/admin/choose-page/?page_type=bulletin.noticepage",
        "/admin/api/main/pages/?search=" + WORD,
        "/admin/api/main/pages/?child_of=" + str(draft_b.get_parent().pk),
        "/admin/api/main/pages/?descendant_of=" + str(home_a.get_parent().pk),
        f"/admin/api/main/pages/{draft_b.pk}/",
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        assert DRAFT_TITLE not in text(response), url
    # The own estate's pages are still there.
    assert notice_a.title in text(client.get(f"/admin/choose-page/{notice_a.get_parent().pk}/"))
    assert notice_a.title in text(client.get("/admin/api/main/pages/?search=" + notice_a.title))


@pytest.mark.parametrize("url", [
    "/admin/choose-page/{parent}/", "/admin/choose-page/chosen-multiple/?id={pk}",
    "/admin/pages/{pk}/edit/", "/admin/pages/{pk}/delete/", "/admin/pages/{pk}/move/",
    "/admin/pages/{pk}/copy/", "/admin/pages/{pk}/revisions/", "/admin/pages/{pk}/history/",
    "/admin/pages/{parent}/",
])
def test_another_estates_pages_by_url(client_for, secretary_a, home_a, draft_b, url):
    response = client_for(secretary_a).get(url.format(pk=draft_b.pk, parent=draft_b.get_parent().pk), follow=True)
    assert DRAFT_TITLE not in text(response)


def test_secretary_explores_only_own_home(client_for, secretary_a, home_a, home_b):
    response = client_for(secretary_a).get("/admin/pages/", follow=True)
    assert response.status_code == 200
    assert home_b.title not in text(response)
    assert home_a.title in text(response)
