"""Chinese first: the browser's Accept-Language never decides; the user's own choice does."""

import pytest
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


def test_admin_is_chinese_for_an_english_browser(client_for, clerk_a):
    response = client_for(clerk_a).get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


def test_the_public_language_cookie_does_not_turn_the_admin_english(client_for, clerk_a):
    client = client_for(clerk_a)
    client.cookies["django_language"] = "en"
    response = client.get("/admin/")
    assert '<html lang="zh-hans"' in response.content.decode()


def test_admin_is_english_when_the_user_chose_english(client_for, clerk_a):
    UserProfile.get_for_user(clerk_a)
    UserProfile.objects.filter(user=clerk_a).update(preferred_language="en")
    html = client_for(clerk_a).get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en"' in html


def test_choosing_english_in_the_account_screen_switches_the_admin(client_for, clerk_a):
    client = client_for(clerk_a)
    page = client.get("/admin/account/")
    assert page.status_code == 200
    assert "使用服务器语言" in page.content.decode()
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value not in (None, "") and not isinstance(value, bool):
                    data[form.add_prefix(name)] = value
                elif value is True:
                    data[form.add_prefix(name)] = "on"
    data["locale-preferred_language"] = "en"
    response = client.post("/admin/account/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert UserProfile.get_for_user(clerk_a).preferred_language == "en"
    assert '<html lang="en"' in client.get("/admin/").content.decode()
