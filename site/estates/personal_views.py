"""Admin view mixins for personal data: log what an unmasked role is shown, and let only those
roles search by part of a mobile.

DESIGN.md: every display or export of unmasked personal data writes one access-log row *with its
estate* (so that estate's supervisors see it), and masked roles cannot confirm a number digit by
digit, so they find a record by a full mobile only.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from estates.models import Estate
from estates.personal_data import can_view_personal_data, log_personal_data_access, normalize_mobile
from estates.scoping import estate_id_of

FULL_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mobile_condition(query: str, fields, user) -> Q | None:
    """Rows whose ``fields`` match the typed mobile: a full number for everyone, part of one
    (four digits or more) only for users who may see personal data; None when nothing matches."""
    mobile = normalize_mobile(query)
    if FULL_MOBILE.match(mobile) or "@" in query:
        exact = query.strip() if "@" in query else mobile
        condition = Q()
        for field in fields:
            condition |= Q(**{field: exact})
        return condition
    if can_view_personal_data(user) and mobile.isdigit() and len(mobile) >= 4:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__contains": mobile})
        return condition
    return None


class MobileSearchIndexMixin:
    """For a snippet IndexView: ``search_fields`` by their text, ``mobile_fields`` by the rule above."""

    mobile_fields: tuple[str, ...] = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        condition = Q(pk__in=[])
        for field in self.search_fields or ():
            condition |= Q(**{f"{field}__icontains": query})
        personal = mobile_condition(query, self.mobile_fields, self.request.user)
        if personal is not None:
            condition |= personal
        return queryset.filter(condition)


def log_shown_rows(*, user, rows, fields: list[str], what: str, action: str = "view", model=None) -> None:
    """One access-log row per estate among ``rows`` that an unmasked user was shown or exported."""
    if not can_view_personal_data(user):
        return
    by_estate: dict[int | None, int] = defaultdict(int)
    for row in rows:
        if any(getattr(row, field, "") for field in fields):
            by_estate[estate_id_of(row)] += 1
    estates = Estate.objects.in_bulk([pk for pk in by_estate if pk is not None])
    for estate_id, count in by_estate.items():
        log_personal_data_access(
            user=user, model=model, fields=fields, action=action, estate=estates.get(estate_id),
            detail=_("%(what)s (%(n)s rows)") % {"what": what, "n": count},
        )


def log_export(*, user, queryset, fields: list[str], what: str) -> None:
    """An unmasked export: one access-log row per estate whose rows it holds (counted in SQL)."""
    if not can_view_personal_data(user):
        return
    lookup = getattr(queryset.model, "estate_lookup", None)
    if lookup is None:
        log_personal_data_access(user=user, model=queryset.model, fields=fields, action="export",
                                 detail=_("%(what)s (%(n)s rows)") % {"what": what, "n": queryset.count()})
        return
    counts = queryset.order_by().values_list(lookup).annotate(n=Count("pk"))
    estates = Estate.objects.in_bulk([pk for pk, _n in counts if pk is not None])
    for estate_id, count in counts:
        log_personal_data_access(
            user=user, model=queryset.model, fields=fields, action="export", estate=estates.get(estate_id),
            detail=_("%(what)s (%(n)s rows)") % {"what": what, "n": count},
        )


class LogShownObjectMixin:
    """For inspect and edit views: a GET that shows ``personal_fields`` unmasked logs one row."""

    personal_fields: tuple[str, ...] = ()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        obj = getattr(self, "object", None)
        if (
            obj is not None and can_view_personal_data(request.user)
            and any(getattr(obj, field, "") for field in self.personal_fields)
        ):
            estate_id = estate_id_of(obj)
            log_personal_data_access(
                user=request.user, obj=obj, fields=list(self.personal_fields), action="view",
                estate=Estate.objects.filter(pk=estate_id).first() if estate_id else None,
            )
        return response


class LogListedRowsMixin:
    """For a snippet IndexView whose columns show ``personal_fields`` in full to unmasked users."""

    personal_fields: tuple[str, ...] = ()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        log_shown_rows(
            user=self.request.user, rows=list(context.get("object_list") or []),
            fields=list(self.personal_fields), what=str(self.model._meta.verbose_name_plural), model=self.model,
        )
        return context
