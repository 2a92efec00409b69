"""Panels on the admin home page (the clerk's workbench)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from estates.scoping import scope_queryset
from wagtail.admin.ui.components import Component

from archives import documents_sync
from archives.models import Document


class DocumentsOutOfStepPanel(Component):
    """How many documents of the user's estates lack the electronic file or the paper copy,
    linking to the filtered listing."""

    name = "documents_out_of_step"
    order = 150

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        documents = scope_queryset(Document.objects.all(), self.user)
        count = documents_sync.filter_documents(documents, documents_sync.OUT_OF_STEP).count()
        url = reverse("wagtailsnippets_archives_document:list") + f"?sync={documents_sync.OUT_OF_STEP}"
        return format_html(
            '<section class="panel w-mb-8" data-panel="documents-out-of-step"><h2 class="w-h3">{}</h2>'
            '<p><a href="{}"><strong data-count>{}</strong> {}</a></p></section>',
            _("Document register"), url, count,
            _("documents lack the electronic file or the paper copy"),
        )
