"""Anonymous bulletin pages are answered from the cache, before sessions and auth even run.

A page that may be cached says so with ``mark_cacheable`` (the bulletin's page types do, for
anonymous GETs only); ``AnonymousPageCacheMiddleware`` then stores the rendered response under a
key of its own (host, full path, language) together with the bulletin's *generation*. Publishing,
unpublishing, deleting or the expiry of a notice bumps the generation (``invalidate``), so every
cached bulletin page is stale at once; an entry also expires by itself at the next moment its
content changes (an expiry, a sign-up deadline), see ``timeout_until_next_change``.

The cache is Django's default cache: a file cache shared by every process of one machine, or
Redis when several machines serve the site. A caching proxy in front can be purged through
``wagtail.contrib.frontend_cache`` on the same signals.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from estatedesk import cache as reliable_cache
from estatedesk.middleware import language_from_request

GENERATION_KEY = "bulletin:generation"
#: The longest a bulletin page is cached when nothing on it changes sooner (BULLETIN_CACHE_SECONDS).
DEFAULT_CACHE_SECONDS = 600
HEADER = "X-Bulletin-Cache"
#: Paths that are never bulletin pages (the admin, the API, files, forms that POST).
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/documents/", "/i18n/", "/healthz", "/bulletin/")


def page_cache_key(*, host: str, full_path: str, language: str) -> str:
    digest = hashlib.sha256(f"{host}|{full_path}|{language}".encode()).hexdigest()[:40]
    return f"bulletin:page:{digest}"


def generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 1, timeout=None) or cache.incr(GENERATION_KEY)


# With the cache unreachable, the bump is recorded and applied when it is back (estatedesk.cache).
reliable_cache.register_invalidator("bulletin", _bump)


def _invalidate_reliably() -> None:
    reliable_cache.invalidate("bulletin")


def invalidate() -> None:
    """Every cached bulletin page becomes stale. Bumped now and again after the commit, so a
    request that rendered the old content in between cannot keep it."""
    _invalidate_reliably()
    transaction.on_commit(_invalidate_reliably)


def _request_is_cacheable(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(EXCLUDED_PREFIXES)
    )


def mark_cacheable(request, response, timeout: int):
    """Called by a page's serve(): this response may be shared by every anonymous reader."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        response.bulletin_cache_timeout = timeout
    return response


class CachedServeMixin:
    """For the bulletin's page types: their ``get_context`` says how long the page stays true
    (``cache_timeout``) and ``serve`` marks the response cacheable for anonymous readers."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        return mark_cacheable(request, response, response.context_data["cache_timeout"])


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        language = language_from_request(request)
        key = page_cache_key(host=request.get_host(), full_path=request.get_full_path(), language=language)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY) or 0
        entry = found.get(key)
        if entry and entry["generation"] == current:
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
            response["Content-Language"] = language
            response[HEADER] = "hit"
            patch_vary_headers(response, ("Cookie",))
            return response
        response = self.get_response(request)
        timeout = getattr(response, "bulletin_cache_timeout", None)
        if timeout and response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(
                key,
                {"generation": current, "content": response.content, "content_type": response["Content-Type"]},
                timeout,
            )
            response[HEADER] = "miss"
        return response


def timeout_until_next_change(*, notices=(), events=(), now=None) -> int:
    """How long a page showing these items may be cached: until the next expiry, deadline,
    start or end among them (at least 1 s), and never longer than the configured maximum."""
    now = now or timezone.now()
    longest = getattr(settings, "BULLETIN_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    moments = [n.expires_at for n in notices if n.expires_at]
    for event in events:
        moments += [event.signup_deadline, event.starts_at, event.ends_at]
    future = [(m - now).total_seconds() for m in moments if m and m > now]
    if future:
        return max(1, min(longest, int(min(future)) + 1))
    return longest
