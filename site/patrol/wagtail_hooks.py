"""Admin of patrol: one "巡查 / Patrol" menu with today's rounds, checkpoints, plans, rounds,
hazards and the report.

Checkpoints (with their checklist) and plans (with their route) are edited in declarative
snippet views; a round and a hazard open on their own phone pages, where every step calls a
service, so the snippet add/edit views of those two redirect there.
"""

from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS, PermissionMenuItem, WorkGroupMixin
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSetGroup,
)

from patrol import admin_urls
from patrol.forms import PatrolPlanForm
from patrol.models import Checkpoint, Hazard, PatrolPlan, PatrolRound


@hooks.register("register_admin_urls")
def register_patrol_admin_urls():
    return [path("patrol/", include(admin_urls))]


class LinkColumn(Column):
    """A column whose cell links to one of our own pages (url_name takes the row's pk)."""

    def __init__(self, name, *, url_name, text, **kwargs):
        super().__init__(name, accessor=lambda obj: obj, **kwargs)
        self.url_name, self.text = url_name, text

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = format_html('<a href="{}">{}</a>', reverse(self.url_name, args=(instance.pk,)), self.text)
        return context


class CheckpointViewSet(EstateSnippetViewSet):
    model = Checkpoint
    icon = "site"
    menu_label = _("Checkpoints")
    list_display = ["name", "kind", "location", "estate", "active",
                    LinkColumn("label", url_name="patrol_label", text=_("QR label"), label=_("label"))]
    list_filter = ["estate", "kind", "active"]
    search_fields = ["name", "location"]
    queryset = Checkpoint.objects.select_related("estate")
    panels = [
        FieldPanel("estate"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldPanel("location"),
        FieldPanel("active"),
        InlinePanel("items", heading=_("What to check"), label=_("checklist item"), min_num=1),
    ]


class PatrolPlanViewSet(EstateSnippetViewSet):
    model = PatrolPlan
    icon = "date"
    menu_label = _("Patrol plans")
    list_display = ["name", "estate", "frequency", "window_start", "window_end", "responsible_role", "active"]
    list_filter = ["estate", "frequency", "active"]
    search_fields = ["name"]
    queryset = PatrolPlan.objects.select_related("estate")
    edit_handler = ObjectList([
        FieldPanel("estate"),
        FieldPanel("name"),
        MultiFieldPanel([
            FieldPanel("frequency"), FieldPanel("weekdays"), FieldPanel("day_of_month"),
            FieldRowPanel([FieldPanel("window_start"), FieldPanel("window_end")]),
            FieldPanel("starts_on"),
        ], heading=_("When")),
        MultiFieldPanel([FieldPanel("responsible_role"), FieldPanel("responsible_user")], heading=_("Who")),
        FieldPanel("active"),
        InlinePanel("stops", heading=_("Route"), label=_("checkpoint"), min_num=1),
    ], base_form_class=PatrolPlanForm)


class _ToOwnPage:
    """Add and edit go to the object's own page, where every write calls a service."""

    url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            return redirect(self.url_name, pk=int(kwargs["pk"]))
        return redirect("patrol_today")


class RoundIndexView(IndexView):
    def get_edit_url(self, instance):
        return reverse("patrol_round", args=(instance.pk,))

    def get_add_url(self):
        return None


class RoundEditView(_ToOwnPage, EditView):
    url_name = "patrol_round"


class RoundCreateView(_ToOwnPage, CreateView):
    pass


class PatrolRoundViewSet(EstateSnippetViewSet):
    model = PatrolRound
    icon = "tasks"
    menu_label = _("Patrol rounds")
    index_view_class = RoundIndexView
    edit_view_class = RoundEditView
    add_view_class = RoundCreateView
    list_display = ["__str__", "estate", "status", DateColumn("date", label=_("date")), "walked_by", "finished_at"]
    list_filter = ["estate", "status", "plan"]
    queryset = PatrolRound.objects.select_related("plan", "estate", "walked_by")


class HazardIndexView(IndexView):
    def get_edit_url(self, instance):
        return reverse("patrol_hazard", args=(instance.pk,))

    def get_add_url(self):
        return None


class HazardEditView(_ToOwnPage, EditView):
    url_name = "patrol_hazard"


class HazardCreateView(_ToOwnPage, CreateView):
    pass


class HazardViewSet(EstateSnippetViewSet):
    model = Hazard
    icon = "warning"
    menu_label = _("Hazards")
    index_view_class = HazardIndexView
    edit_view_class = HazardEditView
    add_view_class = HazardCreateView
    list_display = ["place", "severity", "status", "department", "estate",
                    DateColumn("reported_at", label=_("reported at")), DateColumn("deadline", label=_("deadline"))]
    list_filter = ["estate", "status", "severity", "department"]
    search_fields = ["place", "description"]
    queryset = Hazard.objects.select_related("estate")


class PatrolGroup(WorkGroupMixin, SnippetViewSetGroup):
    """Patrol rounds and hazards are desk work: they join the service desk's group."""

    menu_label = _("Patrol")
    work_group = "servicedesk"
    first_order = 31
    items = (CheckpointViewSet, PatrolPlanViewSet, PatrolRoundViewSet, HazardViewSet)


@hooks.register(MENU_HOOKS["servicedesk"])
def today_menu_item():
    return PermissionMenuItem(_("Today's rounds"), reverse("patrol_today"), icon_name="tasks", order=30,
                              permission="patrol.walk_patrolround")


@hooks.register(MENU_HOOKS["reports"])
def report_menu_item():
    return PermissionMenuItem(_("Patrol report"), reverse("patrol_report"), icon_name="order", order=50,
                              permission="patrol.view_patrolround")


register_snippet(PatrolGroup)
