"""The bridge on a Wagtail viewset: listing header buttons for template, export and import.

Declarative::

    class HouseViewSet(SpreadsheetViewSetMixin, EstateSnippetViewSet):
        spreadsheet_resource = "spreadsheets.resources.houses.HouseResource"

or from outside the viewset's file (see registry.attach and wagtail_hooks.py).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets.button import Button, HeaderButton

from spreadsheets import registry


class SpreadsheetIndexViewMixin:
    """Mixed into a listing view: the spreadsheet buttons in its header."""

    spreadsheet_key: str = ""

    def _spreadsheet_bridge(self):
        return registry.bridge_for_model(self.model)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        bridge = self._spreadsheet_bridge()
        if bridge is not None:
            from spreadsheets.services import user_may_import

            if user_may_import(self.request.user, bridge):
                buttons.append(HeaderButton(
                    _("Import spreadsheet"), url=reverse("spreadsheets:import", args=[bridge.key]),
                    icon_name="upload", attrs={"data-spreadsheet": "import"},
                ))
        return buttons

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        bridge = self._spreadsheet_bridge()
        if bridge is not None:
            query = self.request.GET.copy()
            for name in ("p", "export"):
                query.pop(name, None)
            export = reverse("spreadsheets:export", args=[bridge.key])
            for fmt, label, priority in (("xlsx", _("Export to Excel (.xlsx)"), 80), ("csv", _("Export to CSV"), 81)):
                query["format"] = fmt
                buttons.append(Button(label, url=f"{export}?{query.urlencode()}", icon_name="download", priority=priority,
                                      attrs={"data-spreadsheet": f"export-{fmt}"}))
            if bridge.resource_class.importable:
                buttons.append(Button(_("Download import template"), url=reverse("spreadsheets:template", args=[bridge.key]),
                                      icon_name="doc-empty", priority=82, attrs={"data-spreadsheet": "template"}))
        return buttons


def add_buttons_to_viewset(viewset) -> None:
    """Swap the viewset's listing view class for one with the spreadsheet buttons (idempotent)."""
    for attr in ("index_view_class",):
        view_class = getattr(viewset, attr, None)
        if view_class is not None and not issubclass(view_class, SpreadsheetIndexViewMixin):
            setattr(viewset, attr, type(f"Spreadsheet{view_class.__name__}", (SpreadsheetIndexViewMixin, view_class), {}))


class SpreadsheetViewSetMixin:
    """Put in the bases of a viewset (before EstateSnippetViewSet) and name a Resource."""

    #: A Resource class, or its dotted path.
    spreadsheet_resource = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        resource = getattr(self, "resource_class", None) or self.spreadsheet_resource
        if resource is not None:
            registry.attach(self.model, resource)
            add_buttons_to_viewset(self)
