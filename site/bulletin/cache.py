"""Anonymous bulletin pages and the pages API are answered from the cache, before sessions and
auth even run.

A response that may be cached says so with ``mark_cacheable`` (the bulletin's page types and the
pages API do, for anonymous GETs only); ``AnonymousPageCacheMiddleware`` then stores it (content
and headers) under a key of its own (host, path, the query parameters the view reads, language:
``bulletin.cache_keys``) together with the bulletin's *generation*. Publishing, unpublishing,
deleting or the expiry of a notice bumps the generation (``invalidate``), so every cached bulletin
page and API answer is stale at once; an entry also expires by itself at the next moment its
content changes (an expiry, a sign-up deadline), see ``timeout_until_next_change``. Requests with
a session cookie or an Authorization header are never answered from the cache nor stored; the
owner API (/api/owner/) and everything else under /api/ but /api/v2/ never are.

The cache is Django's default cache: a file cache shared by every process of one machine, or
Redis when several machines serve the site. A caching proxy in front can be purged through
``wagtail.contrib.frontend_cache`` on the same signals.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from estatedesk import cache as reliable_cache
from estatedesk.middleware import language_from_request

from bulletin import cache_keys

GENERATION_KEY = "bulletin:generation"
#: The longest a bulletin page is cached when nothing on it changes sooner (BULLETIN_CACHE_SECONDS).
DEFAULT_CACHE_SECONDS = 600
HEADER = "X-Bulletin-Cache"
#: Paths that are never bulletin pages (the admin, the API, files, forms that POST).
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/documents/", "/i18n/", "/healthz", "/bulletin/")


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


def _kind(request) -> str | None:
    """PAGE, API, or None when this request is never answered from the cache nor stored."""
    if (
        request.method != "GET"
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    if request.path.startswith(cache_keys.API_PREFIX):
        return cache_keys.API if _accepts_plain_json(request) else None
    return None if request.path.startswith(EXCLUDED_PREFIXES) else cache_keys.PAGE


def _accepts_plain_json(request) -> bool:
    # DRF negotiates the renderer on Accept: only what gets the default JSON (not the browsable
    # API's HTML, nor "application/json; indent=2") shares one entry.
    accept = request.META.get("HTTP_ACCEPT", "")
    for item in accept.split(","):
        media_type, _, params = item.strip().partition(";")
        if media_type.strip() not in ("", "*/*", "application/*", "application/json"):
            return False
        if params and not params.strip().startswith("q="):
            return False
    return True


def mark_cacheable(request, response, timeout: int, *, reads: dict[str, str | None] | None = None):
    """Called by a view: this response may be shared by every anonymous reader.

    ``reads``: the query parameters (of ``cache_keys.PAGE_PARAMS``) the page read, with the
    normalised value it used (None: the default). A page that reads none is stored under its bare
    path, and a request for it with any query is answered from there."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        response.bulletin_cache_timeout = timeout
        response.bulletin_cache_reads = reads or {}
    return response


class CachedServeMixin:
    """For the bulletin's page types: their ``get_context`` says how long the page stays true
    (``cache_timeout``) and which query parameters it read (``cache_reads``, optional), and
    ``serve`` marks the response cacheable for anonymous readers."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = response.context_data
        return mark_cacheable(request, response, context["cache_timeout"], reads=context.get("cache_reads"))


#: Headers of the response that are not replayed: set again, or of that one response only.
_NOT_REPLAYED = {"content-length", "date", "set-cookie", HEADER.lower()}


def _fresh(entry, current: int) -> bool:
    return bool(entry) and entry["generation"] == current


class AnonymousPageCacheMiddleware:
    """Answers anonymous GETs of bulletin pages and the pages API from one ``get_many``
    (generation, entry, and for a page asked with a query its bare entry)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = _kind(request)
        query = cache_keys.canonical_query(kind, request.GET) if kind else None
        if query is None:
            return self.get_response(request)
        key_for = partial(
            cache_keys.cache_key, kind=kind, host=request.get_host(), path=request.path,
            language=language_from_request(request),
        )
        key = key_for(query=query)
        # A page that reads none of the parameters asked for is the same page as without them.
        bare = key_for(query={}) if query and kind == cache_keys.PAGE else None
        found = cache.get_many([GENERATION_KEY, key, bare] if bare else [GENERATION_KEY, key])
        current = found.get(GENERATION_KEY) or 0
        entry = found.get(key)
        if not _fresh(entry, current) and bare:
            entry = found.get(bare)
            if entry and entry["reads"].intersection(query):
                entry = None
        if _fresh(entry, current):
            return _replay(entry)

        response = self.get_response(request)
        timeout = getattr(response, "bulletin_cache_timeout", None)
        if timeout and response.status_code == 200 and not response.streaming and not response.cookies:
            if kind == cache_keys.API:
                reads, used = cache_keys.api_reads(), query
            else:
                reads = frozenset(response.bulletin_cache_reads)
                used = {name: value for name, value in response.bulletin_cache_reads.items() if value is not None}
            # Stored under what the view used: ?page=999 rendered as page 3 is page 3's entry.
            _store(response, key if used == query else key_for(query=used), current, reads, timeout)
        return response


def _store(response, key: str, generation_number: int, reads: frozenset[str], timeout: int) -> None:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    patch_vary_headers(response, ("Cookie",))
    headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_REPLAYED]
    cache.set(
        key, {"generation": generation_number, "content": response.content, "headers": headers, "reads": reads}, timeout
    )
    response[HEADER] = "miss"


def _replay(entry) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(entry["content"]))
    response[HEADER] = "hit"
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
