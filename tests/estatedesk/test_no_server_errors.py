"""No URL of the product answers 500: every admin and public GET route, as a superuser and as
staff of several roles, with ids that do not exist and query strings of junk."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from estates import roles
from estates.factories import BuildingFactory, HouseFactory

pytestmark = pytest.mark.django_db

JUNK_QUERY = "?q=%27%22%3C&page=abc&estate=x&year=-1&month=13&ordering=nonsense&p=0&status=zzz"
# failwhale is Wagtail's deliberate error page.
SKIP = re.compile(r"(failwhale|logout|password_reset|/reset/|login/|setlang|/preview|/workflow|/bulk/|/multiple/)")


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


def _concrete(pattern: str) -> str | None:
    path = pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    path = re.sub(r"<int:\w+>|<\w+>|<path:\w+>", "999999", path)
    path = re.sub(r"<slug:\w+>|<str:\w+>", "999999", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    if re.search(r"[()\[\]\\?*+]", path):  # regex routes: not worth guessing
        return None
    return "/" + path


def _urls():
    urls = sorted({u for u in map(_concrete, _routes()) if u and not SKIP.search(u)})
    assert len(urls) > 100
    return urls


def test_no_get_route_answers_500(client_for, make_user, estate_a):
    HouseFactory(building=BuildingFactory(estate=estate_a))
    users = [
        make_user(None, [], is_superuser=True, username="root"),
        make_user(roles.CLERK, [estate_a], username="c"),
        make_user(roles.SECRETARY, [estate_a], username="s"),
        make_user(roles.MAINTENANCE, [estate_a], username="m"),
    ]
    failures = []
    for user in [None, *users]:
        client = client_for(user) if user else __import__("django.test", fromlist=["Client"]).Client()
        client.raise_request_exception = False
        for url in _urls():
            for full in (url, url + JUNK_QUERY):
                status = client.get(full).status_code
                if status >= 500:
                    failures.append(f"{user or 'anonymous'} {full} → {status}")
    assert not failures, "\n".join(failures[:40])
