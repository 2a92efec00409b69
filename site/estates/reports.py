"""Wagtail's reports scoped per estate, and their exports safe to open in a spreadsheet.

Page reports (locked pages, aging pages, workflows) ask the page-permission policy, which is
already per estate (bulletin.permissions). Two reports are not:
- Site history lists the log entries of every model the user has a model permission on,
  whatever the estate: here it keeps only entries about the user's estates' records (and their
  estates' pages, documents and images), and its CSV/XLSX export escapes formula cells.
- Page types usage counts every page of every estate and names the last edited one: it is a
  report about the site's structure, for superusers only (hidden from the menu, 404 by URL).
``urlpatterns`` is mounted under ``admin/reports/`` ahead of Wagtail's own admin URLs.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import path
from spreadsheets.safety import escape_cell
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry
from wagtail.permission_policies.collections import CollectionPermissionLookupMixin
from wagtail.permissions import policy_registry

from estates.scoping import is_estate_scoped, scope_queryset

#: Menu items of reports that only superusers may open.
SUPERUSER_REPORTS = {"page-types-usage"}


def _reachable(model, user) -> QuerySet | None:
    """The records of ``model`` whose history the user may read; None: none of them."""
    if model is None:
        return None
    if is_estate_scoped(model):
        return scope_queryset(model._default_manager.all(), user)
    policy = policy_registry.get_by_type(model, fallback=False)
    if isinstance(policy, CollectionPermissionLookupMixin):  # documents and images
        return policy.instances_user_has_any_permission_for(user, ["change", "choose"])
    return None


def scoped_log_entries(queryset: QuerySet, user) -> QuerySet:
    """Only the log entries about the user's estates' records."""
    if user.is_superuser or issubclass(queryset.model, PageLogEntry):
        return queryset  # page entries are filtered by the (per-estate) page policy
    condition = Q(pk__in=[])
    for content_type_id in set(queryset.values_list("content_type_id", flat=True).distinct()):
        reachable = _reachable(ContentType.objects.get_for_id(content_type_id).model_class(), user)
        if reachable is not None:
            ids = reachable.order_by().annotate(_id=Cast("pk", CharField())).values("_id")
            condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    return queryset.filter(condition)


class EscapedExportMixin:
    """CWE-1236: a cell starting with = + - @ is written as text (spreadsheets.safety)."""

    def preprocess_field_value(self, field, value, export_format):
        return escape_cell(super().preprocess_field_value(field, value, export_format))


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    def get_user_choices(self):
        # Only the people who appear in the entries the user may read.
        user_ids = set()
        for log_model in log_action_registry.get_log_entry_models():
            entries = scoped_log_entries(log_model.objects.viewable_by_user(self.request.user), self.request.user)
            user_ids.update(entries.get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


class ScopedLogEntriesView(EscapedExportMixin, LogEntriesView):
    filterset_class = ScopedSiteHistoryFilterSet

    def filter_queryset(self, queryset):
        return super().filter_queryset(scoped_log_entries(queryset, self.request.user))


class SuperuserPageTypesUsageView(EscapedExportMixin, PageTypesUsageReportView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def hide_superuser_reports(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in SUPERUSER_REPORTS]


urlpatterns = [
    path("site-history/", require_admin_access(ScopedLogEntriesView.as_view())),
    path("site-history/results/", require_admin_access(ScopedLogEntriesView.as_view(results_only=True))),
    path("page-types-usage/", require_admin_access(SuperuserPageTypesUsageView.as_view())),
    path("page-types-usage/results/", require_admin_access(SuperuserPageTypesUsageView.as_view(results_only=True))),
]
