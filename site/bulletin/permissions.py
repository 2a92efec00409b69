"""Secretaries run only their own estate's bulletin.

Wagtail's page permissions come from groups (GroupPagePermission on the bulletin index, given to
the secretary and estate-manager roles by ``bulletin.services.bulletin_setup``). Groups are per
role, not per estate, so the page classes narrow them: their ``permissions_for_user`` returns a
tester that grants nothing on a page whose estate is not one of the user's estates. Wagtail's
page views (create, edit, publish, unpublish, delete, move, copy, revisions, lock) all ask the
page's tester, so a secretary of estate A gets 403 under estate B's home.
"""

from __future__ import annotations

from estates.scoping import estate_ids_for
from wagtail.models import PagePermissionTester


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
