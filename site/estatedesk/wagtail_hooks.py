"""The admin menu follows the work: seven groups (estates.menu.MENU_GROUPS), each a submenu shown
only when it has an item the user may use. Apps register their pages into a group's hook; Wagtail's
own Reports and Settings menus are folded into our 报表 and 设置 groups, so each has one place."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.menu import MENU_GROUPS, MENU_HOOKS
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from estatedesk import admin_views

#: group → (label, icon, Wagtail's own menu hooks folded in, construct hook).
GROUPS = {
    "archives": (pgettext_lazy("menu group", "Archives"), "folder-open-inverse", (), None),
    "lending": (pgettext_lazy("menu group", "Borrowing"), "key", (), None),
    "servicedesk": (pgettext_lazy("menu group", "Service desk"), "help", (), None),
    "fees": (pgettext_lazy("menu group", "Fees"), "doc-full", (), None),
    "bulletin": (pgettext_lazy("menu group", "Bulletin and events"), "date", (), None),
    "reports": (
        pgettext_lazy("menu group", "Reports"), "order", ("register_reports_menu_item",), "construct_reports_menu",
    ),
    "settings": (
        pgettext_lazy("menu group", "Settings"), "cogs", ("register_settings_menu_item",), "construct_settings_menu",
    ),
}
#: The groups' places in the main menu, ten apart.
FIRST_ORDER = 200
#: Wagtail's own top-level items: its Reports, Settings (folded into ours) and Help (an English
#: guide on another host) leave the main menu; Pages, Images and Documents (the bulletin's
#: content) follow the bulletin group.
REMOVED_WAGTAIL_ITEMS = ("reports", "settings", "help")
_BULLETIN = FIRST_ORDER + 10 * MENU_GROUPS.index("bulletin")
MOVED_WAGTAIL_ITEMS = {"explorer": _BULLETIN + 1, "images": _BULLETIN + 2, "documents": _BULLETIN + 3}


class GroupMenu(Menu):
    """A group's menu: the items of our hook plus those of Wagtail's hooks folded into it."""

    def __init__(self, group: str, also: tuple[str, ...], construct_hook_name: str | None):
        super().__init__(register_hook_name=MENU_HOOKS[group], construct_hook_name=construct_hook_name)
        self.also = also

    @cached_property
    def registered_menu_items(self):
        items = list(super().registered_menu_items)
        for hook_name in self.also:
            items += [fn() for fn in hooks.get_hooks(hook_name)]
        return items


def _group_item(group: str, position: int):
    label, icon, also, construct = GROUPS[group]
    return SubmenuMenuItem(
        label, GroupMenu(group, also, construct), name=f"group-{group}", icon_name=icon,
        order=FIRST_ORDER + 10 * position,
    )


for _position, _group in enumerate(MENU_GROUPS):
    hooks.register("register_admin_menu_item", lambda group=_group, position=_position: _group_item(group, position))


@hooks.register("construct_main_menu")
def place_wagtail_menus(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in REMOVED_WAGTAIL_ITEMS]
    for item in menu_items:
        if item.name in MOVED_WAGTAIL_ITEMS:
            item.order = MOVED_WAGTAIL_ITEMS[item.name]


@hooks.register("register_admin_urls")
def register_sweep_urls():
    return [path("sweeps/", admin_views.sweeps_view, name="estatedesk_sweeps")]


class _SweepsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_run_sweeps(request.user)


@hooks.register(MENU_HOOKS["settings"])
def register_sweeps_menu_item():
    return _SweepsMenuItem(_("Sweeps"), reverse("estatedesk_sweeps"), icon_name="resubmit", order=950, name="sweeps")
