"""Listing columns of the archives' admin: personal data masked for roles that may not see it."""

from __future__ import annotations

from wagtail.admin.ui.tables import Column

from archives.models import Person
from archives.privacy import shown


class MaskedColumn(Column):
    """A personal-data column: masked unless the user may see personal data."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        field = self.accessor if isinstance(self.accessor, str) else self.name
        context["value"] = shown(field, context["raw_value"] or "", request.user if request else None) or ""
        return context


class OwnersColumn(Column):
    """The owners of a household (from the prefetched people), with masked mobiles."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        user = request.user if request else None
        owners = [p for p in instance.people.all() if p.role == Person.Role.OWNER]
        context["value"] = "; ".join(
            f"{p.name} {shown('mobile', p.mobile, user)}".strip() for p in owners
        ) or "—"
        return context
