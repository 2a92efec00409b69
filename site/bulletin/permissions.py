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

from estates.models import Estate
from estates.scoping import estate_ids_for
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    AbstractPage,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PagePermissionTester,
)
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy


class EstatePagePermissionPolicy(PagePermissionPolicy):
    def get_all_permissions_for_user(self, user):
        perms = list(super().get_all_permissions_for_user(user))
        ids = estate_ids_for(user)
        if not perms or ids is None:
            return perms
        from bulletin.models import BulletinHomePage  # bulletin.models imports this module: a cycle

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


# --- Documents and images: one collection per estate ------------------------------------------
class _EstateCollectionsMixin:
    """The roles' media permissions (on the root collection) count in the collections of the
    user's estates only; a permission inside one estate's collection counts for its staff only."""

    def get_all_permissions_for_user(self, user):
        perms = list(super().get_all_permissions_for_user(user))
        ids = estate_ids_for(user)
        if not perms or ids is None:
            return perms
        estates = list(Estate.objects.filter(collection__isnull=False).select_related("collection"))
        localised = []
        for perm in perms:
            path = perm.collection.path
            owner = next((e for e in estates if path.startswith(e.collection.path)), None)
            if owner is not None:
                if owner.pk in ids:
                    localised.append(perm)
                continue
            localised.extend(
                GroupCollectionPermission(group_id=perm.group_id, collection=e.collection, permission=perm.permission)
                for e in estates if e.pk in ids and e.collection.path.startswith(path)
            )
        # Wagtail puts these in sets, and unsaved model instances are unhashable: give the
        # derived (never saved) rows distinct negative ids.
        for number, perm in enumerate(localised, start=1):
            if perm.pk is None:
                perm.pk = -number
        return localised


class EstateCollectionPermissionPolicy(_EstateCollectionsMixin, CollectionOwnershipPermissionPolicy):
    pass


def register_policies() -> None:
    """Called from bulletin's AppConfig.ready(). Wagtail registers its own media policies in its
    apps' ready(), which run after ours, for the model and its subclasses; ours are registered
    for the exact concrete models, which the registry prefers whatever the order."""
    # Replaces Wagtail's page policy for every page model (Wagtail registers it at import time).
    register_permission_policy(AbstractPage, EstatePagePermissionPolicy())
    # The permissions are those of Wagtail's base models, whatever the concrete models are.
    for model, auth_model in ((get_document_model(), "wagtaildocs.Document"), (get_image_model(), "wagtailimages.Image")):
        policy = EstateCollectionPermissionPolicy(model, auth_model=auth_model, owner_field_name="uploaded_by_user")
        register_permission_policy(model, policy, exact_class=True)
