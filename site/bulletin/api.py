"""Headless: Wagtail's API v2 at /api/v2/, published notices and events only.

    /api/v2/pages/?estate=HYY&category=outage      notices of an estate in a category
    /api/v2/pages/?type=bulletin.EventPage&estate=HYY&fields=*
    /api/v2/pages/<id>/                            one page with every field
    /api/v2/pages/?estate=HYY&expired=true         current and expired notices

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

from bulletin.models import Category, EventPage, NoticePage

BULLETIN_MODELS = (NoticePage, EventPage)
_OWN_PARAMS = {"estate", "category", "expired"}
_YES, _NO = {"true", "1", "yes"}, {"false", "0", "no", ""}


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
        if expired not in _YES | _NO:
            raise BadRequestError("expired must be true or false")
        # Only listings: DRF's get_object filters the detail view too, and a notice's own address
        # keeps answering after it expires (it says is_expired).
        if expired in _NO and getattr(view, "action", None) != "detail_view":
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


api_router = WagtailAPIRouter("bulletin_api")
api_router.register_endpoint("pages", BulletinPagesAPIViewSet)
