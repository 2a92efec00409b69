"""Headless: Wagtail's API v2 at /api/v2/, published notices and events only.

    /api/v2/pages/?estate=HYY&category=outage      notices of an estate in a category
    /api/v2/pages/?type=bulletin.EventPage&estate=HYY&fields=*
    /api/v2/pages/<id>/                            one page with every field
    /api/v2/pages/?estate=HYY&expired=true         current and expired notices

Anonymous GETs are answered from the bulletin's cache (bulletin.cache, keys in
bulletin.cache_keys) and invalidated with the pages.

Without ``type`` the listing holds notices and events (``category`` implies notices). Expired
notices are left out of listings, as on the site, unless ``expired=true``; a page by its id is
served either way (links to it keep working).
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet

from bulletin import cache_keys
from bulletin.cache import mark_cacheable, timeout_until_next_change
from bulletin.models import Category, EventPage, NoticePage

BULLETIN_MODELS = (NoticePage, EventPage)
_OWN_PARAMS = {"estate", "category", "expired"}
EXPIRED_YES, EXPIRED_NO = {"true", "1", "yes"}, {"false", "0", "no", ""}


class BulletinFieldsFilter(FieldsFilter):
    """Wagtail's field filters, except the two this API handles itself."""

    def filter_queryset(self, request, queryset, view):
        class _Request:
            GET = {k: v for k, v in request.GET.items() if k not in _OWN_PARAMS}

        return super().filter_queryset(_Request, queryset, view)


class EstateCategoryFilter(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        estate = request.GET.get("estate")
        category = request.GET.get("category")
        if category is not None and category not in Category.values:
            raise BadRequestError(f"category must be one of: {', '.join(Category.values)}")
        if estate:
            ids = set()
            for model in BULLETIN_MODELS:
                ids |= set(model.objects.filter(estate__code__iexact=estate).values_list("pk", flat=True))
            queryset = queryset.filter(pk__in=ids)
        if category:
            queryset = queryset.filter(pk__in=NoticePage.objects.filter(category=category).values("pk"))
        expired = request.GET.get("expired", "false").lower()
        if expired not in EXPIRED_YES | EXPIRED_NO:
            raise BadRequestError("expired must be true or false")
        # Only listings: DRF's get_object filters the detail view too, and a notice's own address
        # keeps answering after it expires (it says is_expired).
        if expired in EXPIRED_NO and getattr(view, "action", None) != "detail_view":
            gone = NoticePage.objects.filter(expires_at__lte=timezone.now()).values("pk")
            queryset = queryset.exclude(pk__in=gone)
        return queryset


class BulletinPagesAPIViewSet(PagesAPIViewSet):
    filter_backends = [EstateCategoryFilter, BulletinFieldsFilter, *PagesAPIViewSet.filter_backends[1:]]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(_OWN_PARAMS)
    listing_default_fields = [*PagesAPIViewSet.listing_default_fields, "estate_code", "title_en"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A NUL byte cannot be stored or searched by any database: refuse it as bad input.
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            raise BadRequestError("query parameters must not contain NUL characters")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and self._answer_may_be_stored(response):
            # The Django request: its user is the session's, without running DRF's authentication.
            mark_cacheable(request._request, response, api_cache_timeout())
        return response

    def _answer_may_be_stored(self, response) -> bool:
        # An empty listing for an estate code, an offset or a field value anyone can make up
        # would let random values fill the cache: answered, not stored.
        empty = self.action == "listing_view" and not response.data.get("items")
        return not (empty and cache_keys.has_free_form(cache_keys.API, self.request.GET))

    def get_queryset(self):
        models_type = self.request.GET.get("type")
        if models_type:
            try:
                models = page_models_from_string(models_type)
            except (LookupError, ValueError) as exc:
                raise BadRequestError("type doesn't exist") from exc
            if not all(m in BULLETIN_MODELS for m in models):
                raise BadRequestError("type must be bulletin.NoticePage or bulletin.EventPage")
            return super().get_queryset()
        if "category" in self.request.GET:
            return NoticePage.objects.filter(pk__in=self.get_base_queryset().values_list("pk", flat=True))
        return self.get_base_queryset().type(*BULLETIN_MODELS)

    def get_base_queryset(self):
        return super().get_base_queryset().type(*BULLETIN_MODELS)


def api_cache_timeout(*, now=None) -> int:
    """How long an API answer stays true: until the next notice expires anywhere (it leaves the
    listings and its is_expired turns), capped by BULLETIN_CACHE_SECONDS; everything else that
    changes an answer (publishing, unpublishing, deleting, scheduled publishing) bumps the
    generation. One indexed query, on a miss only."""
    now = now or timezone.now()
    next_expiry = NoticePage.objects.live().filter(expires_at__gt=now).order_by("expires_at").only("expires_at")[:1]
    return timeout_until_next_change(notices=list(next_expiry), now=now)


api_router = WagtailAPIRouter("bulletin_api")
api_router.register_endpoint("pages", BulletinPagesAPIViewSet)
