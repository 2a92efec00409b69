"""The "assign a steward" bulk action of the household listing.

Select households (or "all in listing" after filtering by building and unit), choose a steward:
``archives.stewards.households_assign_steward`` does the rest.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from estates.scoping import scope_queryset
from wagtail.admin import messages
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from archives.models import Household
from archives.stewards import households_assign_steward, stewards_for


class StewardForm(forms.Form):
    steward = forms.ModelChoiceField(label=_("Steward"), queryset=None, required=False,
                                     empty_label=_("(no steward)"))


class AssignStewardBulkAction(SnippetBulkAction):
    display_name = _("Assign a steward")
    action_type = "assign_steward"
    aria_label = _("Assign a steward to the selected households")
    template_name = "archives/admin/bulk_assign_steward.html"
    action_priority = 20
    models = [Household]
    form_class = StewardForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["steward"].queryset = stewards_for(self.request.user)
        form.fields["steward"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        return form

    def check_perm(self, household):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "change", household)

    def get_all_objects_in_listing_query(self, parent_id):
        # "All in listing" means the listing as filtered (a building, a unit), in the user's estates.
        query = parse_qs(urlsplit(self.next_url or "").query)
        households = scope_queryset(Household.objects.all(), self.request.user)
        for name in ("house__building__estate", "house__building", "house__unit", "house__status", "steward"):
            values = [v for v in query.get(name, []) if v]
            if values:
                households = households.filter(**{f"{name}__in": values})
        return households.values_list("pk", flat=True)

    def get_execution_context(self):
        return {"steward": self.cleaned_form.cleaned_data["steward"], "by": self.request.user}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(self.request, " ".join(getattr(exc, "messages", [str(exc)])))
            return self.form_invalid(form)

    @classmethod
    def execute_action(cls, objects, steward=None, by=None, **kwargs):
        return households_assign_steward(households=objects, steward=steward, by=by), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "The steward of %(count)d household was changed.",
            "The steward of %(count)d households was changed.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
