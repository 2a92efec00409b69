"""The one base of the admin's snippet viewsets of estate-owned models.

It carries what every listing of the back office shares (so it is said once): estate scoping
(``EstateScopedViewSetMixin``), 50 rows a page, no "copy" view (archive records are never
cloned), the database search of the listing's fields rather than a search index
(``search_backend_name = None``), and the one write path (estates.admin_writes): a service's
refusal in a create, edit or delete view becomes the form's error and a 400.
"""

from __future__ import annotations

from wagtail.snippets.views.snippets import SnippetViewSet

from estates.admin_writes import ServiceErrorsMixin
from estates.scoping import EstateScopedViewSetMixin

_WRITE_VIEWS = ("add_view_class", "edit_view_class", "delete_view_class")


class EstateSnippetViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    list_per_page = 50
    copy_view_enabled = False
    search_backend_name = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attr in _WRITE_VIEWS:
            view_class = getattr(self, attr)
            if not issubclass(view_class, ServiceErrorsMixin):
                setattr(self, attr, type(f"ServiceWrite{view_class.__name__}", (ServiceErrorsMixin, view_class), {}))
