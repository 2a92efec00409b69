"""The one admin menu item of the project: shown to users who hold any of its permissions."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.utils import translation
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.coreutils import cautious_slugify


def menu_name(label) -> str:
    """A menu item's name (its HTML id, what tests and the browser walk find it by) from its
    English label: Wagtail slugifies the label in the active language, so a Chinese admin would
    name items "u670du52a1…" and the same item would change name with the user's language."""
    with translation.override("en"):
        return cautious_slugify(str(label))


class PermissionMenuItem(MenuItem):
    """``PermissionMenuItem(label, url, permission="app.codename", ...)``; ``permission`` may also
    be several permissions, any of which shows the item."""

    def __init__(self, label, *args, permission: str | Iterable[str], **kwargs):
        kwargs.setdefault("name", menu_name(label))
        super().__init__(label, *args, **kwargs)
        self.permissions = (permission,) if isinstance(permission, str) else tuple(permission)

    def is_shown(self, request):
        return any(request.user.has_perm(permission) for permission in self.permissions)


#: The admin menu follows the work: one group per desk activity. An app adds a page to a group
#: with ``@hooks.register(MENU_HOOKS["servicedesk"])`` returning a ``PermissionMenuItem``; the
#: group itself (a submenu shown when any of its items is) is built in ``estatedesk.wagtail_hooks``.
MENU_GROUPS = ("archives", "lending", "servicedesk", "fees", "bulletin", "reports", "settings")
MENU_HOOKS = {group: f"register_menu_{group}_item" for group in MENU_GROUPS}


class WorkGroupMixin:
    """For a ``SnippetViewSetGroup``: instead of a submenu of its own, each of its viewsets' menu
    items joins a work group of the admin menu (``work_group``, or a viewset's own ``work_group``
    attribute when one of them belongs elsewhere). Items keep their position in ``items`` as
    their order (from ``first_order``) unless they set ``menu_order``."""

    work_group: str = ""
    first_order: int = 10
    #: The viewsets have menu items (in the groups), so Wagtail's "Snippets" menu leaves them out.
    menu_item_is_registered = True

    def register_menu_item(self):
        for position, registerable in enumerate(self.registerables):
            group = getattr(registerable, "work_group", None) or self.work_group
            hooks.register(MENU_HOOKS[group], partial(_named_item, registerable, order=self.first_order + position))


def _named_item(registerable, order=None):
    item = registerable.get_menu_item(order=order)
    if not registerable.menu_name:
        item.name = menu_name(registerable.menu_label)
    return item
