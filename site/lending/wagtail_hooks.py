"""Admin of the borrowing register: the register listing, the estates' loan periods, the board,
an item's loans, and a "Loans" button on every key and document of the archives listings."""

import django_filters
from archives.models import Document, Key
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS, PermissionMenuItem, WorkGroupMixin
from estates.models import Estate
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSetGroup,
)

from lending import admin_urls, selectors
from lending.models import LendingSettings, Loan


class LoanFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Loan.Status.choices)
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")
    #: The front desk's "due back today" (not yet overdue), linked from the workbench.
    due_today = django_filters.BooleanFilter(label=_("due back later today"), method="filter_due_today")
    item_type = django_filters.ChoiceFilter(
        label=_("item type"), method="filter_item_type",
        choices=[("key", _("key")), ("document", _("paper document"))],
    )
    borrower = django_filters.CharFilter(label=_("borrower"), method="filter_borrower")
    estate = django_filters.ModelChoiceFilter(label=_("estate"), queryset=Estate.objects.all())

    class Meta:
        model = Loan
        fields = ["status", "overdue", "due_today", "item_type", "borrower", "estate"]

    def filter_due_today(self, queryset, name, value):
        if value is None:
            return queryset
        due_today = selectors.due_back_today_q()
        return queryset.filter(due_today) if value else queryset.exclude(due_today)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(selectors.overdue_q()) if value else queryset.exclude(selectors.overdue_q())

    def filter_item_type(self, queryset, name, value):
        if value == "key":
            return queryset.filter(key__isnull=False)
        if value == "document":
            return queryset.filter(document__isnull=False)
        return queryset

    def filter_borrower(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(borrower_name__icontains=value) | Q(borrower_organisation__icontains=value)
            | Q(borrower_user__username__icontains=value) | Q(borrower_user__first_name__icontains=value)
            | Q(borrower_user__last_name__icontains=value)
        )


class LoanStatusColumn(Column):
    """The status as a tag; an overdue loan gets a red "overdue" tag next to it."""

    cell_template_name = "lending/tables/loan_status_cell.html"


def _loan_url(loan):
    return reverse("lending:loan", args=[loan.pk])


class _LoanCreateView(CreateView):
    """Loans are requested from an item's page (the rules live in the services), even by a superuser."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("lending:board")


class _LoanEditView(EditView):
    """A loan changes only through the actions of its own page."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("lending:loan", pk=kwargs.get("pk"))


class LoanViewSet(EstateSnippetViewSet):
    """The register. Read-only here: loans change only through the actions of a loan's page."""

    model = Loan
    icon = "key"
    menu_label = _("Borrowing register")
    url_prefix = "lending/register"
    #: Every column's related rows come in the listing query: constant queries per page.
    queryset = Loan.objects.select_related(
        "estate", "key__opens_house__building", "document", "borrower_user"
    )
    list_display = [
        TitleColumn("__str__", label=_("loan"), get_url=_loan_url),
        Column("borrower_display", label=_("borrower")),
        LoanStatusColumn("status", label=_("status")),
        Column("handed_out_at", label=_("handed out at")),
        Column("due_at", label=_("due back at")),
        "estate",
    ]
    filterset_class = LoanFilterSet
    search_fields = ["borrower_name", "borrower_organisation", "purpose"]
    #: The loan's own page shows it (with personal data masked by role); no generic inspect view.
    inspect_view_enabled = False
    add_view_class = _LoanCreateView
    edit_view_class = _LoanEditView
    panels = []

    def get_queryset(self, request):
        return selectors.with_overdue(super().get_queryset(request))


class LendingSettingsViewSet(EstateSnippetViewSet):
    model = LendingSettings
    icon = "cogs"
    menu_label = _("Loan periods")
    #: The estates' loan periods are settings.
    work_group = "settings"
    url_prefix = "lending/settings"
    queryset = LendingSettings.objects.select_related("estate")
    list_display = ["estate", "key_due_time", "key_min_hours", "document_days"]
    panels = [
        FieldPanel("estate"),
        FieldRowPanel([FieldPanel("key_due_time"), FieldPanel("key_min_hours")]),
        FieldPanel("document_days"),
    ]


class LendingGroup(WorkGroupMixin, SnippetViewSetGroup):
    menu_label = _("Borrowing")
    work_group = "lending"
    first_order = 10
    items = (LoanViewSet, LendingSettingsViewSet)


@hooks.register("register_admin_urls")
def register_lending_urls():
    return [path("lending/", include((admin_urls.urlpatterns, "lending"), namespace="lending"))]


@hooks.register(MENU_HOOKS["lending"])
def register_board_menu_item():
    return PermissionMenuItem(
        _("Who holds what now"), reverse("lending:board"), icon_name="key", order=0, name="lending-board",
        permission="lending.view_loan",
    )


@hooks.register("register_snippet_listing_buttons")
def lending_buttons_for_archive_items(instance, user, next_url=None):
    """A "Loans" button on every key and document of the archives listings."""
    if not isinstance(instance, (Key, Document)) or not user.has_perm("lending.view_loan"):
        return []
    kind = "key" if isinstance(instance, Key) else "document"
    return [
        Button(
            _("Loans"), reverse("lending:item", args=[kind, instance.pk]), icon_name="key", priority=30,
        )
    ]


register_snippet(LendingGroup)
