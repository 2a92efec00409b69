"""Which query parameters each kind of cached URL reads, and how a request becomes a cache key.

This is the one place that says it: ``PAGE_PARAMS`` for the bulletin's pages, ``API_PARAMS`` for
the pages API (/api/v2/). A cache key holds the path, the host, the language and only these
parameters, normalised (sorted, the last value of a repeated name, as ``QueryDict.get`` reads it,
and values the view treats alike written alike). Anything else in the query string (utm_*, a
random cache-buster) can neither bypass the cache nor create an entry:

- on pages it is ignored (a page never reads it);
- on the API it is not ignored but refused: Wagtail answers an unknown parameter with 400, so
  such a request goes to the view (cheap, never stored) instead of being given a cached 200.

A normaliser must be *answer-preserving*: two requests that get the same key must get the same
answer from the view. When unsure, a value is kept as written; values the view refuses get a 4xx,
which is never stored, and ``free_form`` parameters (any value accepted) store no empty answer, so
random values cannot fill the cache either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize
from urllib.parse import urlencode

PAGE = "page"
API = "api"
API_PREFIX = "/api/v2/"


class NotCacheable(Exception):
    """The request is answered by the view, uncached (and never stored)."""


@dataclass(frozen=True)
class Param:
    #: The value as the key holds it; None = the view's default (left out of the key).
    normalize: Callable[[str], str | None]
    #: Any value is accepted (an estate code, an offset): an empty answer to it is not stored.
    free_form: bool = False


def _raw(value: str) -> str:
    return value


def _ignored(value: str) -> None:
    return None


def _refused(value: str):
    raise NotCacheable


def _page_number(value: str) -> str | None:
    # Django's Paginator.get_page: not an integer is page 1.
    try:
        number = int(value)
    except ValueError:
        return None
    return None if number == 1 else str(number)


def _notice_category(value: str) -> str | None:
    from bulletin.models import Category  # the models import this module

    # NoticeIndexPage shows every category for an unknown one.
    return value if value in Category.values else None


def _expired(value: str) -> str | None:
    from bulletin.api import EXPIRED_NO, EXPIRED_YES

    lowered = value.lower()
    if lowered in EXPIRED_YES:
        return "true"
    return None if lowered in EXPIRED_NO else value  # anything else: the view's 400


def _estate_code(value: str) -> str | None:
    # Matched case-insensitively (estate__code__iexact); empty = no filter.
    if not value:
        return None
    return value.upper() if value.isascii() else value


def _integer(default: int | None = None) -> Callable[[str], str | None]:
    def normalize(value: str) -> str | None:
        try:
            number = int(value)  # as WagtailPagination reads it
        except ValueError:
            return value  # the view's 400
        return None if number == default else str(number)

    return normalize


def _limit(value: str) -> str | None:
    from django.conf import settings

    # WagtailPagination's default: 20, or WAGTAILAPI_LIMIT_MAX when that is lower.
    limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
    return _integer(default=min(20, limit_max) if limit_max else 20)(value)


def _json_only(value: str) -> None:
    # DRF's ?format=: JSON is the API's default answer; the browsable API is not cached.
    if value != "json":
        raise NotCacheable
    return None


#: The bulletin's pages. Each page type reads a subset and says which (``mark_cacheable``):
#: NoticeIndexPage reads both, the other page types none.
PAGE_PARAMS: dict[str, Param] = {
    "page": Param(_page_number),
    "category": Param(_notice_category),
}

#: The pages API (bulletin.api): what BulletinPagesAPIViewSet and Wagtail's filters read.
API_PARAMS: dict[str, Param] = {
    # bulletin.api's own filters
    "type": Param(_raw),
    "estate": Param(_estate_code, free_form=True),
    "category": Param(_raw),
    "expired": Param(_expired),
    # Wagtail's
    "fields": Param(_raw),
    "limit": Param(_limit),
    "offset": Param(_integer(default=0), free_form=True),
    "order": Param(_raw),
    "rich_text_format": Param(_raw),
    "locale": Param(_raw, free_form=True),
    "site": Param(_raw, free_form=True),
    "child_of": Param(_raw, free_form=True),
    "ancestor_of": Param(_raw, free_form=True),
    "descendant_of": Param(_raw, free_form=True),
    "translation_of": Param(_raw, free_form=True),
    # Accepted, but they do not change the answer: jQuery's cache-buster and ?format=json.
    "_": Param(_ignored),
    "format": Param(_json_only),
    # A search is a reader's own words: answered from the database, like the site's search page.
    "search": Param(_refused),
    "search_operator": Param(_refused),
}


@memoize
def _api_field_filters() -> dict[str, Param]:
    """Wagtail's field filters (?slug=…, ?urgent=true): every database field the API shows on a
    bulletin page type; one that the requested type lacks gets the view's 400."""
    from wagtail.models import Page

    from bulletin.api import BULLETIN_MODELS, BulletinPagesAPIViewSet

    names = set()
    for model in (Page, *BULLETIN_MODELS):
        names |= set(BulletinPagesAPIViewSet.get_available_fields(model, db_fields_only=True))
    return {name: Param(_raw, free_form=True) for name in names - set(API_PARAMS)}


def _param(kind: str, name: str) -> Param | None:
    if kind == PAGE:
        return PAGE_PARAMS.get(name)
    return API_PARAMS.get(name) or _api_field_filters().get(name)


def canonical_query(kind: str, query) -> dict[str, str] | None:
    """The query as the cache sees it (a ``QueryDict``); None: the request is not cacheable."""
    canonical = {}
    for name in query:
        param = _param(kind, name)
        if param is None:
            if kind == API:
                return None  # Wagtail's 400: the view says so
            continue
        try:
            value = param.normalize(query.get(name))
        except NotCacheable:
            return None
        if value is not None:
            canonical[name] = value
    return canonical


def has_free_form(kind: str, query) -> bool:
    return any((param := _param(kind, name)) is not None and param.free_form for name in query)


def api_reads() -> frozenset[str]:
    """Every parameter the API reads: an API entry never stands for another query."""
    return frozenset(API_PARAMS) | frozenset(_api_field_filters())


def cache_key(*, kind: str = PAGE, host: str, path: str, query: dict[str, str] | None = None, language: str) -> str:
    encoded = urlencode(sorted((query or {}).items()))
    digest = hashlib.sha256(f"{host}|{path}?{encoded}|{language}".encode()).hexdigest()[:40]
    return f"bulletin:{kind}:{digest}"
