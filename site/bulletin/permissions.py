"""Each estate's bulletin pages belong to that estate: one page-permission policy for Wagtail.

Wagtail's page permissions come from groups (GroupPagePermission on the bulletin index, given to
the secretary and estate-manager roles by ``bulletin.services.bulletin_setup``). Groups are roles
shared by every estate, so on their own they cannot keep HYY's secretary out of JHY's pages.

``EstatePagePermissionPolicy`` is registered for every page model and *localises* those
permissions: a role's permission granted on a page above the estates' homes (the bulletin index,
the tree root) counts as the same permission on the home of each of the user's estates, and a
permission granted inside one estate's subtree counts only for users of that estate. Every page
surface of Wagtail asks this policy: the explorer and its search (``explorable_instances``), the
admin API, the reports, the page permission tester behind create/edit/publish/delete/move/copy/
revisions/lock, and the explorable root. The page chooser, which Wagtail does not filter by
permissions, is narrowed by ``bulletin.page_chooser``.

The testers below remain as a second, page-level guard (and keep the site root superuser-only).
"""

from __future__ import annotations

from estates.scoping import estate_ids_for
from wagtail.models import GroupPagePermission, Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy


class EstatePagePermissionPolicy(PagePermissionPolicy):
    def get_all_permissions_for_user(self, user):
        perms = list(super().get_all_permissions_for_user(user))
        ids = estate_ids_for(user)
        if not perms or ids is None:
            return perms
        from bulletin.models import BulletinHomePage

        homes = list(BulletinHomePage.objects.all())
        own_homes = [home for home in homes if home.estate_id in ids]
        localised = []
        for perm in perms:
            page_path = perm.page.path
            home = next((h for h in homes if page_path.startswith(h.path)), None)
            if home is not None:
                # Granted inside one estate's bulletin: only for that estate's staff.
                if home.estate_id in ids:
                    localised.append(perm)
                continue
            # Granted above the homes: the same right on each of the user's estates' homes.
            localised.extend(
                GroupPagePermission(group_id=perm.group_id, page=h, permission=perm.permission)
                for h in own_homes if h.path.startswith(page_path)
            )
        return localised


def estate_page_ids(user):
    """The ids of the pages the user may see in the admin (their estates' subtrees and the
    ancestors leading to them); None for a superuser."""
    if user.is_superuser:
        return None
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(Page).explorable_instances(user).values("pk")


class EstatePagePermissionTester(PagePermissionTester):
    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            ids = estate_ids_for(user)
            estate_id = page.get_estate_id() if hasattr(page, "get_estate_id") else None
            if ids is not None and estate_id not in ids:
                self.permissions = set()


class IndexPagePermissionTester(PagePermissionTester):
    """The site root lists every estate: only superusers add estate homes or edit it."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            self.permissions = set()
