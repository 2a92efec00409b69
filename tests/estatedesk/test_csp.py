"""Content-Security-Policy: the public site allows only our own origin; the admin gets the
strictest policy Wagtail's widgets work under."""

import re

import pytest
from bulletin.factories import home_for

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def test_the_bulletin_allows_only_our_origin(client, estate_a):
    response = client.get(home_for(estate_a).url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "http" not in response["Content-Security-Policy"]


def test_a_cached_bulletin_page_keeps_the_policy(client, estate_a):
    url = home_for(estate_a).url
    client.get(url)
    again = client.get(url)
    assert again.status_code == 200 and _policy(again)["script-src"] == ["'self'"]


def test_the_inline_stylesheet_of_the_service_desk_carries_the_nonce(client, estate_a):
    response = client.get("/service/report/")
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _policy(response)["style-src"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_admin_policy_allows_wagtails_inline_widgets_from_our_origin_only(client_for, clerk_a):
    response = client_for(clerk_a).get("/admin/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert "http" not in response["Content-Security-Policy"]


def test_the_login_page_has_the_admin_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200 and _policy(response)["form-action"] == ["'self'"]
