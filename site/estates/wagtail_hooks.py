"""Admin for estates, buildings, houses and staff memberships: one "小区 / Estates" menu group."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from estates import reports, scoping
from estates.menu import WorkGroupMixin
from estates.models import Building, Estate, House, PersonalDataAccess, StaffMembership
from estates.viewsets import EstateSnippetViewSet


class EstateViewSet(EstateSnippetViewSet):
    model = Estate
    icon = "home"
    #: The listing of a company's estates is short; no filters needed.
    list_display = ["name", "code", "address", "hotline", "managed_area"]
    search_fields = ["name", "code", "address"]
    inspect_view_enabled = True
    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("address"), FieldPanel("hotline"), FieldPanel("managed_area")]


class BuildingViewSet(EstateSnippetViewSet):
    model = Building
    work_group = "archives"
    icon = "folder-open-1"
    list_display = ["name", "estate"]
    list_filter = ["estate"]
    search_fields = ["name", "estate__name"]
    inspect_view_enabled = True
    #: Listing queries stay constant: the estate of every row comes in the same query.
    queryset = Building.objects.select_related("estate")
    panels = [FieldPanel("estate"), FieldPanel("name")]


class HouseViewSet(EstateSnippetViewSet):
    model = House
    work_group = "archives"
    icon = "doc-empty"
    list_display = [Column("label", label=_("house")), "building", "floor", "area", "status", "use"]
    list_filter = ["building__estate", "building", "status", "use"]
    search_fields = ["room", "unit", "building__name", "building__estate__name"]
    inspect_view_enabled = True
    queryset = House.objects.select_related("building__estate")
    panels = [
        FieldPanel("building"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("floor"), FieldPanel("room")]),
        FieldRowPanel([FieldPanel("area"), FieldPanel("status"), FieldPanel("use")]),
    ]


class StaffMembershipViewSet(EstateSnippetViewSet):
    model = StaffMembership
    icon = "group"
    list_display = ["user", "estate", "mobile"]
    list_filter = ["estate"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    queryset = StaffMembership.objects.select_related("user", "estate")
    panels = [FieldPanel("user"), FieldPanel("estate"), FieldPanel("mobile")]


class PersonalDataAccessViewSet(EstateSnippetViewSet):
    """Read-only: the role matrix grants only "view" on this model, to supervisors and managers."""

    model = PersonalDataAccess
    icon = "view"
    list_display = ["at", "user", "action", "object_repr", "fields_display", "estate"]
    list_filter = ["action", "estate"]
    search_fields = ["object_repr", "user__username", "fields"]
    queryset = PersonalDataAccess.objects.select_related("user", "estate", "content_type")
    inspect_view_enabled = True
    chooser_enabled = False
    panels = []


class EstatesGroup(WorkGroupMixin, SnippetViewSetGroup):
    """Estates, staff and the personal-data log are settings; buildings and houses are archives."""

    menu_label = _("Estates")
    work_group = "settings"
    first_order = 50
    items = (EstateViewSet, BuildingViewSet, HouseViewSet, StaffMembershipViewSet, PersonalDataAccessViewSet)


register_snippet(EstatesGroup)


hooks.register("construct_reports_menu", reports.hide_superuser_reports)


@hooks.register("register_admin_urls")
def scope_bulk_actions():
    """Every bulk action (Wagtail's too) acts on, and lists, only the user's estates' records."""
    scoping.scope_bulk_actions()
    return []
