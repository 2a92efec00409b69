"""Edit-form panels of the household file: inline people with masking, the keys and documents."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.panels import (
    InlinePanel,
    Panel,
)

from archives import views
from archives.forms import PersonForm
from archives.models import Document, Household, Key


class PeopleInlinePanel(InlinePanel):
    """Inline people whose forms know the user, so personal data can be masked in them."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = PersonForm
        formset["inherit_kwargs"] = ["for_user"]
        return options


class HouseholdRecordsPanel(Panel):
    """Read-only: the house's keys and the household's documents, with links, and the history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "archives/panels/household_records.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(household_records_context(self.instance, self.request.user))
            return context


def _link(model, pk, user) -> str:
    name = model._meta.model_name
    for action, perm in (("edit", "change"), ("inspect", "view")):
        if user.has_perm(f"archives.{perm}_{name}"):
            return reverse(f"wagtailsnippets_archives_{name}:{action}", args=(pk,))
    return ""


def household_records_context(household: Household, user) -> dict:
    keys = list(Key.objects.filter(opens_house_id=household.house_id)) if user.has_perm("archives.view_key") else []
    documents = list(household.documents.all()) if user.has_perm("archives.view_document") else []
    for key in keys:
        key.link = _link(Key, key.pk, user)
    for document in documents:
        document.link = _link(Document, document.pk, user)
    return {"keys": keys, "documents": documents, "history_url": views.history_url(household)}
