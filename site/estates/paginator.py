"""The paginator of the estate listings: deep pages as fast as the first one.

Two costs grew with the table on every page of a big listing (100,000 households):

- the count: ``COUNT(*)`` over the scoped, joined rows (60–300 ms). Here the count is exact up to
  ``settings.LISTING_COUNT_ESTIMATE_THRESHOLD`` rows (counting at most that many rows plus one);
  above it, on PostgreSQL, it is the planner's estimate of the filtered queryset
  (``EXPLAIN (FORMAT JSON)``), shown as "about 100,000". SQLite keeps exact counts (measured: a
  few milliseconds at the embedded sizes).
- the page: ``OFFSET 49950`` over rows joined for ``select_related`` joins (and, for an ordering
  through a join, sorts) every skipped row. The page's ids are read first from the narrow query
  (only the columns the filter and the ordering need: an index scan when an index matches the
  ordering), then its 50 rows are loaded by id with their related rows and prefetches.

With an estimate, the page links run to the estimated end. A page found short is the real last
page (the count becomes exact); a full page past the estimated end keeps a "next" link; a page
past the real end shows the real last page (one exact count, on that request only), never a 500.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import EmptyPage
from django.db import connections
from django.db.models import QuerySet
from django.template.loader import select_template
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.paginator import WagtailPaginator


def approximate(n: int) -> int:
    """Two significant digits: an estimate should not read more precise than it is."""
    if n < 100:
        return n
    scale = 10 ** (len(str(n)) - 2)
    return round(n / scale) * scale


def planner_estimate(queryset: QuerySet) -> int:
    """The planner's row estimate for ``queryset`` (PostgreSQL)."""
    query = queryset.order_by().values("pk").query
    connection = connections[queryset.db]
    sql, params = query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class ListingPaginator(WagtailPaginator):
    #: Set once the count is known: True when it is the planner's estimate.
    estimated = False

    def _threshold(self) -> int:
        return getattr(settings, "LISTING_COUNT_ESTIMATE_THRESHOLD", 0) or 0

    def _is_queryset(self) -> bool:
        return isinstance(self.object_list, QuerySet)

    @cached_property
    def count(self):
        threshold = self._threshold()
        queryset = self.object_list
        if not self._is_queryset() or not threshold or not self.can_estimate(queryset):
            return super().count
        # At most threshold + 1 rows counted: exact for small listings, bounded for big ones.
        capped = queryset.order_by().values("pk")[: threshold + 1].count()
        if capped <= threshold:
            return capped
        self.estimated = True
        return max(planner_estimate(queryset), threshold + 1)

    @staticmethod
    def can_estimate(queryset) -> bool:
        """Only PostgreSQL's planner estimate is used (SQLite's is not a row count)."""
        return connections[queryset.db].vendor == "postgresql"

    def _set_count(self, count: int, *, estimated: bool) -> None:
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)
        self.estimated = estimated

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the estimated end is allowed (the estimate may be low), within reason: page()
            # finds out where the real end is.
            if self.estimated:
                number = int(number)
                # Any page whose offset the database takes: page() finds the real end.
                if 1 < number and number * self.per_page < 2**31:
                    return number
            raise

    def page(self, number):
        number = self.validate_number(number)
        if not self._is_queryset() or not self._deferrable():
            return super().page(number)
        bottom = (number - 1) * self.per_page
        # One row more than the page: whether there is a next page, without the count.
        ids = list(self.object_list.values_list("pk", flat=True)[bottom: bottom + self.per_page + 1])
        if self.estimated:
            if not ids and number > 1:
                # Past the real end (the estimate was high): count once, show the last page.
                self._set_count(super().count, estimated=False)
                return self.page(self.num_pages)
            if len(ids) <= self.per_page:
                self._set_count(bottom + len(ids), estimated=False)  # the real last page
            elif bottom + len(ids) > self.count:
                self._set_count(bottom + len(ids), estimated=True)  # the estimate was low
        ids = ids[: self.per_page]
        return self._get_page(self._rows(ids), number, self)

    def _deferrable(self) -> bool:
        """Rows can be loaded by id apart from the query that found them (no annotations,
        distinct rows or raw SQL to carry over)."""
        query = self.object_list.query
        return not query.annotations and not query.distinct and not query.extra and not query.combinator

    def _rows(self, ids: list) -> list:
        """The page's rows, in the listing's order, with the listing's related rows and prefetches."""
        if not ids:
            return []
        source = self.object_list
        rows = source.model._default_manager.db_manager(source.db).filter(pk__in=ids).order_by()
        rows.query.select_related = source.query.select_related
        rows.query.deferred_loading = source.query.deferred_loading
        rows = rows.prefetch_related(*source._prefetch_related_lookups)
        position = {pk: i for i, pk in enumerate(ids)}
        return sorted(rows, key=lambda row: position[row.pk])

    @property
    def items_count_label(self):
        if not self.estimated:
            return super().items_count_label
        return _("about %(count)s %(items)s") % {
            "count": f"{approximate(self.count):,}", "items": self.verbose_name_plural,
        }

    @property
    def shown_count(self) -> int:
        """The count as the listing shows it (rounded when estimated)."""
        return approximate(self.count) if self.estimated else self.count


class ListingPaginatorMixin:
    """For an index view: the paginator above, and a results template that says "about" when
    the count is an estimate (it extends the view's own results template)."""

    paginator_class = ListingPaginator
    estimated_results_template_name = "estates/listing/results.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_results_template_name = self.results_template_name
        self.results_template_name = self.estimated_results_template_name

    @cached_property
    def base_results_template(self):
        """The template the estimate's wording extends (a list of names: the first found)."""
        names = self.base_results_template_name
        return select_template([names] if isinstance(names, str) else list(names)).template
