"""The public site is Chinese with an English switch; the browser's Accept-Language does not decide."""

import pytest

pytestmark = pytest.mark.django_db


def test_public_site_is_chinese_for_an_english_browser_and_english_after_the_switch(client, home_a):
    page = client.get(home_a.url, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-Hans">' in page.content.decode()
    assert page["Content-Language"] == "zh-hans"
    switched = client.get(f"/bulletin/language/en/?next={home_a.url}")
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"
    english = client.get(home_a.url)
    assert '<html lang="en">' in english.content.decode() and english["Content-Language"] == "en"
    client.get(f"/bulletin/language/zh-hans/?next={home_a.url}")
    assert '<html lang="zh-Hans">' in client.get(home_a.url).content.decode()
