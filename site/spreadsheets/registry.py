"""Which models have spreadsheets, and with which Resource.

Two ways to give a Wagtail listing its template, export and import buttons:

1. declaratively, on the viewset: ``class HouseViewSet(SpreadsheetViewSetMixin, ...)`` with
   ``spreadsheet_resource = "spreadsheets.resources.houses.HouseResource"``;
2. from outside, without editing the viewset's file: ``registry.attach(House, "...HouseResource")``
   in a ``wagtail_hooks.py`` — the listing of the model's registered snippet viewset gets the
   buttons when the admin URLs are built.

Either way the bridge's views live under ``/admin/spreadsheets/<app_label.model_name>/``.
The registry is configuration filled at import time, identical in every process.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model
from django.http import Http404
from django.utils.module_loading import import_string


@dataclass
class Bridge:
    model: type[Model]
    resource: str | type

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def resource_class(self):
        return import_string(self.resource) if isinstance(self.resource, str) else self.resource

    def get_resource(self):
        return self.resource_class()

    @property
    def viewset(self):
        return getattr(self.model, "snippet_viewset", None)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


_bridges: dict[str, Bridge] = {}


def attach(model: type[Model] | str, resource: str | type) -> Bridge:
    """Give ``model``'s admin listing spreadsheet import and export with ``resource``."""
    if isinstance(model, str):
        model = apps.get_model(model)
    bridge = Bridge(model=model, resource=resource)
    _bridges[bridge.key] = bridge
    return bridge


def get_bridge(key: str) -> Bridge:
    try:
        return _bridges[key]
    except KeyError:
        raise Http404 from None


def bridge_for_model(model) -> Bridge | None:
    return _bridges.get(model._meta.label_lower)


def all_bridges() -> list[Bridge]:
    return list(_bridges.values())
