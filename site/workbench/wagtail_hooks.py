"""The admin home is each role's workbench: Wagtail's default home panels are removed for
everyone, and the workbench panel (workbench.figures) leads the page. Other apps keep adding
their own panels (e.g. the archives' documents out of step, the scorecard's KPI tiles)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)

from workbench import pages
from workbench.panels import WorkbenchPanel

#: Wagtail's page-centred panels: not the work of a service desk.
WAGTAIL_DEFAULT_PANELS = (
    LockedPagesPanel, RecentEditsPanel, UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel,
)


@hooks.register("construct_homepage_panels")
def workbench_panels(request, panels):
    panels[:] = [panel for panel in panels if not isinstance(panel, WAGTAIL_DEFAULT_PANELS)]
    panels.append(WorkbenchPanel(request.user))


@hooks.register("register_admin_urls")
def register_workbench_urls():
    return [path("workbench/pages/", pages.pages_view, name="workbench_pages")]


class _PagesToDoMenuItem(MenuItem):
    def is_shown(self, request):
        return pages.can_edit_pages(request.user)


@hooks.register(MENU_HOOKS["bulletin"])
def drafts_menu_item():
    return _PagesToDoMenuItem(_("Drafts"), reverse("workbench_pages") + "?state=draft", icon_name="edit", order=0, name="drafts")


@hooks.register(MENU_HOOKS["bulletin"])
def scheduled_menu_item():
    return _PagesToDoMenuItem(
        _("Scheduled notices"), reverse("workbench_pages") + "?state=scheduled", icon_name="time", order=1, name="scheduled-notices",
    )
