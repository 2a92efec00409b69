"""The one base of the admin's snippet viewsets of estate-owned models.

It carries what every listing of the back office shares (so it is said once): estate scoping
(``EstateScopedViewSetMixin``), 50 rows a page, no "copy" view (archive records are never
cloned), the database search of the listing's fields rather than a search index
(``search_backend_name = None``), breadcrumbs in the reader's language (estates.admin_language),
the paginator of big listings (estates.paginator: an estimated count above a threshold on
PostgreSQL, deep pages read by id), and the one write path (estates.admin_writes): a service's
refusal in a create, edit or delete view becomes the form's error and a 400.
"""

from __future__ import annotations

from django.db import models
from django.template.defaultfilters import yesno
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from estates.admin_language import ReaderLanguageBreadcrumbsMixin
from estates.admin_writes import ServiceErrorsMixin
from estates.paginator import ListingPaginatorMixin
from estates.scoping import EstateScopedViewSetMixin

_WRITE_VIEWS = ("add_view_class", "edit_view_class", "delete_view_class")


class YesNoColumn(Column):
    """A yes/no field as 是/否 (Django's translated "yes,no"): Wagtail's listing prints a
    BooleanField's Python value, "True"/"False", on a Chinese screen."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return yesno(value) if isinstance(value, bool) or value is None else value


def _is_boolean_field(model, field_name: str) -> bool:
    *relations, name = field_name.split("__")
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        return isinstance(model._meta.get_field(name), models.BooleanField)
    except Exception:  # noqa: BLE001 - a method or property, not a field: left as it is
        return False


class YesNoColumnsMixin:
    """For an index view: list_display's boolean fields become ``YesNoColumn``."""

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column and _is_boolean_field(self.model, field_name):
            column_class = YesNoColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)


class EstateSnippetViewSet(ReaderLanguageBreadcrumbsMixin, EstateScopedViewSetMixin, SnippetViewSet):
    list_per_page = 50
    copy_view_enabled = False
    search_backend_name = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not issubclass(self.index_view_class, YesNoColumnsMixin):
            self.index_view_class = type(f"YesNo{self.index_view_class.__name__}",
                                         (YesNoColumnsMixin, self.index_view_class), {})
        if not issubclass(self.index_view_class, ListingPaginatorMixin):
            self.index_view_class = type(f"Paged{self.index_view_class.__name__}",
                                         (ListingPaginatorMixin, self.index_view_class), {})
        for attr in _WRITE_VIEWS:
            view_class = getattr(self, attr)
            if not issubclass(view_class, ServiceErrorsMixin):
                setattr(self, attr, type(f"ServiceWrite{view_class.__name__}", (ServiceErrorsMixin, view_class), {}))
