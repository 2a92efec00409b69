"""The workbench panel on the admin home: one block of figures per role of the user."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from workbench.figures import sections_for


class WorkbenchPanel(Component):
    name = "workbench"
    #: Before every other panel: the day's work comes first.
    order = 10
    template_name = "workbench/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"sections": sections_for(self.user)}
