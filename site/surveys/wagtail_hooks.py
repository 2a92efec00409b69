"""Admin of surveys: surveys and targets as snippets; results, visits, the scorecard and the case
library on pages of their own (admin_urls), each registered into its menu group; the
workbench panels."""

from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS, PermissionMenuItem
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet

from surveys import admin_urls
from surveys.models import EstateTarget, Survey
from surveys.panels import ManagerKpiPanel, VisitsDuePanel


@hooks.register("register_admin_urls")
def register_surveys_admin_urls():
    return [path("surveys/", include(admin_urls))]


class ResultsColumn(Column):
    def __init__(self):
        super().__init__("results", label=_("results"), accessor=lambda obj: obj)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = format_html('<a href="{}">{}</a>', reverse("surveys_results", args=(instance.pk,)),
                                       _("Results"))
        return context


class SurveyViewSet(EstateSnippetViewSet):
    model = Survey
    icon = "list-ul"
    add_to_admin_menu = False
    menu_label = _("Satisfaction surveys")
    list_display = ["title", "estate", DateColumn("opens_on", label=_("opens on")),
                    DateColumn("closes_at", label=_("closes at")), "target", ResultsColumn()]
    list_filter = ["estate"]
    search_fields = ["title"]
    queryset = Survey.objects.select_related("estate")


class EstateTargetViewSet(EstateSnippetViewSet):
    model = EstateTarget
    icon = "order"
    add_to_admin_menu = False
    menu_label = _("Estate targets")
    list_display = ["figure", "estate", "target", DateColumn("valid_from", label=_("valid from")), "note"]
    list_filter = ["estate", "figure"]
    queryset = EstateTarget.objects.select_related("estate")


register_snippet(SurveyViewSet)
register_snippet(EstateTargetViewSet)


@hooks.register(MENU_HOOKS["servicedesk"])
def surveys_menu_item():
    return PermissionMenuItem(_("Satisfaction surveys"), reverse("wagtailsnippets_surveys_survey:list"),
                              icon_name="list-ul", order=70, permission="surveys.view_survey")


@hooks.register(MENU_HOOKS["servicedesk"])
def visits_menu_item():
    return PermissionMenuItem(_("Quarterly return visits"), reverse("surveys_visits"), icon_name="user", order=71,
                              permission=("surveys.view_quarterlyvisit", "surveys.record_quarterlyvisit"))


@hooks.register(MENU_HOOKS["reports"])
def scorecard_menu_item():
    return PermissionMenuItem(_("Scorecard"), reverse("surveys_scorecard"), icon_name="order", order=10,
                              permission="surveys.view_scorecard")


@hooks.register(MENU_HOOKS["reports"])
def visit_progress_menu_item():
    return PermissionMenuItem(_("Quarterly visit progress"), reverse("surveys_visits_progress"), icon_name="doc-full",
                              order=11, permission=("surveys.view_quarterlyvisit", "surveys.record_quarterlyvisit"))


@hooks.register(MENU_HOOKS["reports"])
def cases_menu_item():
    return PermissionMenuItem(_("Case library"), reverse("surveys_cases"), icon_name="folder-open-inverse", order=12,
                              permission="surveys.view_casereview")


@hooks.register(MENU_HOOKS["settings"])
def targets_menu_item():
    return PermissionMenuItem(_("Estate targets"), reverse("wagtailsnippets_surveys_estatetarget:list"),
                              icon_name="order", order=40, permission="surveys.view_estatetarget")


@hooks.register("construct_homepage_panels")
def add_workbench_panels(request, panels):
    user = request.user
    if user.has_perm("surveys.view_scorecard"):
        panels.append(ManagerKpiPanel(user))
    if user.has_perm("surveys.record_quarterlyvisit"):
        panels.append(VisitsDuePanel(user))
