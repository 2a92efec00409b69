"""Admin of the owner portal: residents' access (revoke / give back), in the archives group.

Sign-ins (OwnerToken) are not shown: revoking a resident's access ends them.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from estates.admin_writes import register_service_writes
from estates.menu import MENU_HOOKS, PermissionMenuItem
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.ui.tables import DateColumn
from wagtail.snippets.models import register_snippet

from owners import services
from owners.models import ResidentAccess


class ResidentAccessViewSet(EstateSnippetViewSet):
    model = ResidentAccess
    icon = "lock"
    menu_label = _("Owner portal access")
    add_to_admin_menu = False
    list_display = ["person", "revoked", "reason", DateColumn("updated_at", label=_("updated at"))]
    list_filter = ["revoked"]
    search_fields = ["reason", "person__name"]
    queryset = ResidentAccess.objects.select_related("person__household__house__building__estate")


register_snippet(ResidentAccessViewSet)


@hooks.register(MENU_HOOKS["archives"])
def resident_access_menu_item():
    return PermissionMenuItem(
        _("Owner portal access"), reverse("wagtailsnippets_owners_residentaccess:list"), icon_name="lock",
        order=90, permission="owners.view_residentaccess",
    )


@hooks.register("register_actions")
def register_owners_writes(registry):
    """Revoking and giving back access goes through owners.services (it also ends the sign-ins)."""
    register_service_writes(registry, ResidentAccess, save=services.resident_access_save)
