"""Admin of the desk procedures: listings of move-ins, decorations and releases (each record opens
on its own page, where every step calls a service), the estates' rules, the gate, the clocks
report; menu items in the service desk's group; the front desk's panel on the dashboard."""

from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS, PermissionMenuItem
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from lifecycle import admin_urls, selectors
from lifecycle.models import Decoration, LifecycleRules, MoveIn, Release


@hooks.register("register_admin_urls")
def register_lifecycle_admin_urls():
    return [path("lifecycle/", include(admin_urls))]


def _own_page_views(page: str, new: str):
    """Index rows link to the record's own page; add goes to the procedure's form."""

    class OwnIndexView(IndexView):
        def get_edit_url(self, instance):
            return reverse(page, args=(instance.pk,))

        def get_add_url(self):
            return reverse(new)

    class OwnEditView(EditView):
        def dispatch(self, request, *args, **kwargs):
            return redirect(page, pk=int(kwargs["pk"]))

    class OwnCreateView(CreateView):
        def dispatch(self, request, *args, **kwargs):
            return redirect(new)

    return OwnIndexView, OwnEditView, OwnCreateView


class MoveInViewSet(EstateSnippetViewSet):
    model = MoveIn
    icon = "home"
    add_to_admin_menu = False
    list_display = ["__str__", "owner_name", "estate", DateColumn("date", label=_("date")), "slot", "status"]
    list_filter = ["estate", "status", "date"]
    search_fields = ["owner_name", "house__room"]
    queryset = MoveIn.objects.select_related("estate", "house__building")
    index_view_class, edit_view_class, add_view_class = _own_page_views("lifecycle_movein", "lifecycle_movein_new")


class DecorationViewSet(EstateSnippetViewSet):
    model = Decoration
    icon = "cogs"
    add_to_admin_menu = False
    list_display = ["__str__", "owner_name", "estate", DateColumn("start", label=_("works start")),
                    DateColumn("end", label=_("works end")), "status"]
    list_filter = ["estate", "status"]
    search_fields = ["owner_name", "contractor", "permit_no"]
    queryset = Decoration.objects.select_related("estate", "house__building")
    index_view_class, edit_view_class, add_view_class = _own_page_views("lifecycle_decoration", "lifecycle_decoration_new")


class ReleaseViewSet(EstateSnippetViewSet):
    model = Release
    icon = "upload"
    add_to_admin_menu = False
    list_display = ["__str__", "requester_name", "requester", "estate", DateColumn("date", label=_("moving date")),
                    "status"]
    list_filter = ["estate", "status", "requester"]
    search_fields = ["number", "requester_name", "carrier"]
    queryset = Release.objects.select_related("estate", "house__building")
    index_view_class, edit_view_class, add_view_class = _own_page_views("lifecycle_release", "lifecycle_release_new")


class LifecycleRulesViewSet(EstateSnippetViewSet):
    model = LifecycleRules
    icon = "cog"
    add_to_admin_menu = False
    list_display = ["estate", "inspection_interval_days", "release_arrears_limit"]
    queryset = LifecycleRules.objects.select_related("estate")
    panels = [
        FieldPanel("estate"), FieldPanel("movein_documents"), FieldPanel("forbidden_items"),
        FieldPanel("controlled_items"), FieldPanel("inspection_interval_days"), FieldPanel("release_arrears_limit"),
    ]


for _viewset in (MoveInViewSet, DecorationViewSet, ReleaseViewSet, LifecycleRulesViewSet):
    register_snippet(_viewset)


def _list_url(model) -> str:
    return reverse(f"wagtailsnippets_lifecycle_{model._meta.model_name}:list")


@hooks.register(MENU_HOOKS["servicedesk"])
def moveins_menu_item():
    return PermissionMenuItem(_("Move-ins"), _list_url(MoveIn), icon_name="home", order=400,
                              permission="lifecycle.view_movein")


@hooks.register(MENU_HOOKS["servicedesk"])
def decorations_menu_item():
    return PermissionMenuItem(_("Decorations"), _list_url(Decoration), icon_name="cogs", order=410,
                              permission="lifecycle.view_decoration")


@hooks.register(MENU_HOOKS["servicedesk"])
def releases_menu_item():
    return PermissionMenuItem(_("Releases of big items"), _list_url(Release), icon_name="upload", order=420,
                              permission="lifecycle.view_release")


@hooks.register(MENU_HOOKS["servicedesk"])
def gate_menu_item():
    return PermissionMenuItem(_("Gate check"), reverse("lifecycle_gate"), icon_name="upload", order=430,
                              permission="lifecycle.pass_release")


@hooks.register(MENU_HOOKS["reports"])
def clocks_menu_item():
    return PermissionMenuItem(_("Move-in clocks"), reverse("lifecycle_movein_report"), icon_name="time", order=400,
                              permission="lifecycle.view_movein")


@hooks.register(MENU_HOOKS["settings"])
def rules_menu_item():
    return PermissionMenuItem(_("Desk procedure rules"), _list_url(LifecycleRules), icon_name="cog", order=400,
                              permission="lifecycle.change_lifecyclerules")


class FrontDeskPanel(Component):
    """Today's move-in appointments and the releases waiting for the owner or the slip."""

    name = "lifecycle_front_desk"
    order = 140

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        return render_to_string("lifecycle/panel.html", {
            "moveins": list(selectors.todays_moveins(self.user)[:20]),
            "releases": list(selectors.releases_waiting(self.user)[:20]),
        })


@hooks.register("construct_homepage_panels")
def add_front_desk_panel(request, panels):
    if request.user.has_perm("lifecycle.view_movein") or request.user.has_perm("lifecycle.view_release"):
        panels.append(FrontDeskPanel(request.user))
