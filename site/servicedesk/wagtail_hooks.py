"""Admin of the service desk: one "服务台 / Service desk" menu with the board, intake, tickets,
handovers, KPIs and the clock settings.

Tickets are listed by an estate-scoped SnippetViewSet (filters, search); a ticket opens on its
own page (views.ticket_view) where every step is a form that calls a service. The snippet
add/edit views are replaced by the intake and the ticket page, so that no write skips the rules.
"""

import django_filters
from archives.admin.filters import MyHouseholdsFilter
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS, PermissionMenuItem, WorkGroupMixin
from estates.models import Building
from estates.scoping import estate_ids_for
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSetGroup,
)

from servicedesk import admin_urls, queues
from servicedesk.models import RepairCategory, ServiceClockSettings, ShiftHandover, Ticket
from servicedesk.selectors import can_see_all_tickets


@hooks.register("register_admin_urls")
def register_servicedesk_admin_urls():
    return [path("servicedesk/", include(admin_urls))]


@hooks.register("after_create_snippet")
def seed_repair_categories_of_new_estate(request, instance):
    """An estate created in the admin starts with the default repair categories, so owners and
    the intake can pick one at once; the manager then routes each in the routing table. (Estates
    made by fixtures and tests start empty: their tests name the categories they need.)"""
    from estates.models import Estate

    from servicedesk.services import repair_categories_seed

    if isinstance(instance, Estate):
        repair_categories_seed(estate=instance)


def _staff_of_my_estates(request):
    User = get_user_model()
    if request is None:
        return User.objects.none()
    ids = estate_ids_for(request.user)
    users = User.objects.filter(is_active=True)
    if ids is not None:
        users = users.filter(estate_memberships__estate__in=ids)
    return users.distinct().order_by("username")


class TicketFilterSet(WagtailFilterSet):
    handler = django_filters.ModelChoiceFilter(label=_("handler"), queryset=_staff_of_my_estates)
    building = django_filters.ModelChoiceFilter(
        label=_("building"), field_name="house__building", queryset=Building.objects.select_related("estate")
    )
    #: The steward's "my households" (archives.admin.filters).
    mine = MyHouseholdsFilter("house__household")
    #: The workbench's queues (servicedesk.queues): each figure links here with its value.
    clock = django_filters.ChoiceFilter(label=_("clock"), choices=queues.CHOICES, method="filter_clock")

    class Meta:
        model = Ticket
        fields = ["kind", "severity", "status", "estate", "handler", "building"]

    def filter_clock(self, queryset, name, value):
        return queues.filter_tickets(queryset, value)


class TicketIndexView(IndexView):
    def get_base_queryset(self):
        # Maintenance staff see only the tickets dispatched to them (or handled by them).
        queryset = super().get_base_queryset()
        user = self.request.user
        if not user.is_superuser and not can_see_all_tickets(user):
            queryset = queryset.filter(Q(assignee=user) | Q(handler=user))
        return queryset

    def get_edit_url(self, instance):
        return reverse("servicedesk_ticket", args=(instance.pk,))

    def get_add_url(self):
        if self.request.user.has_perm("servicedesk.add_ticket"):
            return reverse("servicedesk_intake")
        return None


class TicketCreateView(CreateView):
    def dispatch(self, request, *args, **kwargs):
        return redirect("servicedesk_intake")


class TicketEditView(EditView):
    def dispatch(self, request, *args, **kwargs):
        return redirect("servicedesk_ticket", pk=int(kwargs.get("pk")))


class TicketViewSet(EstateSnippetViewSet):
    model = Ticket
    icon = "help"
    menu_label = _("Tickets")
    index_view_class = TicketIndexView
    add_view_class = TicketCreateView
    edit_view_class = TicketEditView
    inspect_view_enabled = False
    list_display = [
        "number", "kind", "severity", "status", "estate", Column("place", label=_("place")),
        "handler", DateColumn("received_at", label=_("received at")),
    ]
    filterset_class = TicketFilterSet
    search_fields = ["number", "contact_name", "description", "shared_area", "contractor"]
    #: Listing queries stay constant: everything shown per row comes in the same query.
    queryset = Ticket.objects.select_related("estate", "house__building", "handler")
    panels = [FieldPanel("description")]


class ShiftHandoverViewSet(EstateSnippetViewSet):
    """Read-only log of handovers; they are made on the handover page or a ticket's page."""

    model = ShiftHandover
    icon = "resubmit"
    menu_label = _("Shift handovers")
    list_display = ["__str__", "estate", "from_user", "to_user", DateColumn("at", label=_("at"))]
    list_filter = ["estate"]
    queryset = ShiftHandover.objects.select_related("estate", "from_user", "to_user")
    inspect_view_enabled = True


class ServiceClockSettingsViewSet(EstateSnippetViewSet):
    model = ServiceClockSettings
    icon = "time"
    menu_label = _("Service clocks")
    #: The estates' service promises are settings.
    work_group = "settings"
    list_display = ["estate", "repair_respond_hours", "repair_finish_hours", "complaint_result_hours",
                    "suggestion_answer_hours", "enquiry_answer_hours"]
    queryset = ServiceClockSettings.objects.select_related("estate")


class RepairCategoryViewSet(EstateSnippetViewSet):
    """The routing table: each estate's repair categories and who their work orders go to."""

    model = RepairCategory
    icon = "list-ul"
    menu_label = _("Repair routing")
    list_display = ["name", "estate", Column("routed_to", label=_("routed to")), "active", "order"]
    list_filter = ["estate", "active"]
    queryset = RepairCategory.objects.select_related("estate", "assignee")
    work_group = "settings"


class ServiceDeskGroup(WorkGroupMixin, SnippetViewSetGroup):
    menu_label = _("Service desk")
    work_group = "servicedesk"
    items = (TicketViewSet, ShiftHandoverViewSet, ServiceClockSettingsViewSet, RepairCategoryViewSet)


@hooks.register(MENU_HOOKS["servicedesk"])
def board_menu_item():
    return PermissionMenuItem(_("Desk board"), reverse("servicedesk_board"), icon_name="table", order=0, permission="servicedesk.view_ticket")


@hooks.register(MENU_HOOKS["servicedesk"])
def intake_menu_item():
    return PermissionMenuItem(_("New ticket"), reverse("servicedesk_intake"), icon_name="plus", order=1, permission="servicedesk.add_ticket")


@hooks.register(MENU_HOOKS["servicedesk"])
def handover_menu_item():
    return PermissionMenuItem(_("Shift handover"), reverse("servicedesk_handover"), icon_name="resubmit", order=20, permission="servicedesk.dispatch_ticket")


@hooks.register(MENU_HOOKS["reports"])
def kpi_menu_item():
    return PermissionMenuItem(_("KPIs"), reverse("servicedesk_kpi"), icon_name="order", order=10, permission="servicedesk.view_servicedesk_kpi")


register_snippet(ServiceDeskGroup)
