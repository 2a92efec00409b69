"""Secretaries draft, preview, schedule and publish only under their own estate's home."""

import pytest
from bulletin.factories import NoticePageFactory
from bulletin.models import NoticeIndexPage, NoticePage
from bulletin.services import notice_index_of
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

pytestmark = pytest.mark.django_db


def _notice_form(title, **extra):
    return nested_form_data({
        "title": title, "slug": "notice-by-form", "category": "outage", "body": rich_text("<p>明天停水</p>"),
        "title_en": "Water outage", "body_en": rich_text("<p>No water tomorrow</p>"),
        "attachments": inline_formset([]), "expires_at": "", "go_live_at": "", "expire_at": "",
        **extra,
    })


def test_secretary_publishes_under_own_estate(client_for, secretary_a, home_a, estate_a):
    index = notice_index_of(home_a)
    response = client_for(secretary_a).post(
        f"/admin/pages/add/bulletin/noticepage/{index.pk}/", {**_notice_form("秘书发布的通知"), "action-publish": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = NoticePage.objects.get(title="秘书发布的通知")
    assert notice.live and notice.estate_id == estate_a.pk and notice.title_en == "Water outage"


def test_secretary_cannot_create_under_another_estate(client_for, secretary_a, home_b):
    index = notice_index_of(home_b)
    client = client_for(secretary_a)
    assert client.get(f"/admin/pages/add/bulletin/noticepage/{index.pk}/").status_code in (302, 403)
    response = client.post(
        f"/admin/pages/add/bulletin/noticepage/{index.pk}/", {**_notice_form("越权通知"), "action-publish": "1"},
    )
    assert response.status_code in (302, 403)
    assert not NoticePage.objects.filter(title="越权通知").exists()


def test_secretary_cannot_edit_or_publish_another_estates_notice(client_for, secretary_a, home_b, estate_b):
    notice = NoticePageFactory(estate=estate_b, title="锦华园通知")
    client = client_for(secretary_a)
    assert client.get(f"/admin/pages/{notice.pk}/edit/").status_code in (302, 403)
    response = client.post(f"/admin/pages/{notice.pk}/edit/", {**_notice_form("被改掉了"), "action-publish": "1"})
    assert response.status_code in (302, 403)
    notice.refresh_from_db()
    assert notice.title == "锦华园通知"
    assert client.post(f"/admin/pages/{notice.pk}/unpublish/").status_code in (302, 403)
    assert NoticePage.objects.get(pk=notice.pk).live
    assert client.post(f"/admin/pages/{notice.pk}/delete/").status_code in (302, 403)
    assert NoticePage.objects.filter(pk=notice.pk).exists()


def test_secretary_edits_and_previews_own_estate(client_for, secretary_a, notice_a):
    client = client_for(secretary_a)
    assert client.get(f"/admin/pages/{notice_a.pk}/edit/").status_code == 200
    perms = notice_a.permissions_for_user(secretary_a)
    assert perms.can_edit() and perms.can_publish() and perms.can_unpublish()


def test_tester_denies_everything_for_another_estate(secretary_a, home_b, estate_b):
    notice = NoticePageFactory(estate=estate_b)
    for page in (notice, home_b, notice_index_of(home_b)):
        perms = Page.objects.get(pk=page.pk).permissions_for_user(secretary_a)
        assert not (perms.can_edit() or perms.can_publish() or perms.can_add_subpage() or perms.can_delete())


def test_explorer_hides_other_estates_homes(client_for, secretary_a, home_a, home_b):
    index = home_a.get_parent()
    # The secretary's explorable root is their estate's home: the index redirects there.
    html = client_for(secretary_a).get(f"/admin/pages/{index.pk}/", follow=True).content.decode()
    assert home_a.title in html and home_b.title not in html


def test_other_roles_cannot_write_pages(client_for, clerk_a, home_a):
    index = NoticeIndexPage.objects.child_of(home_a).get()
    response = client_for(clerk_a).get(f"/admin/pages/add/bulletin/noticepage/{index.pk}/")
    assert response.status_code in (302, 403)
