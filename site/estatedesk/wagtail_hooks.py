from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from estatedesk import admin_views


@hooks.register("register_admin_urls")
def register_sweep_urls():
    return [path("sweeps/", admin_views.sweeps_view, name="estatedesk_sweeps")]


class _SweepsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_run_sweeps(request.user)


@hooks.register("register_admin_menu_item")
def register_sweeps_menu_item():
    return _SweepsMenuItem(_("Sweeps"), reverse("estatedesk_sweeps"), icon_name="resubmit", order=950, name="sweeps")
