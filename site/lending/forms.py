"""Forms of the lending admin views. They only parse input; lending.services holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lending.models import IdType

_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DueAtField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", _DATETIME_FORMATS)
        kwargs.setdefault("label", _("due back at"))
        kwargs.setdefault("help_text", _("Leave empty for the estate's default loan period."))
        super().__init__(**kwargs)


class LoanRequestForm(forms.Form):
    borrower_user = forms.ModelChoiceField(
        label=_("staff borrower"), queryset=None, required=False,
        help_text=_("Choose a staff member, or fill in the outside borrower below."),
    )
    borrower_name = forms.CharField(label=_("borrower's name"), max_length=50, required=False)
    borrower_mobile = forms.CharField(label=_("borrower's mobile"), max_length=20, required=False)
    borrower_organisation = forms.CharField(label=_("organisation"), max_length=100, required=False)
    borrower_id_type = forms.ChoiceField(
        label=_("ID document type"), choices=[("", "---------"), *IdType.choices], required=False
    )
    borrower_id_number = forms.CharField(label=_("ID document number"), max_length=30, required=False)
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    due_at = DueAtField()
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, borrower_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower_user"].queryset = borrower_queryset
        self.fields["borrower_user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class DueForm(forms.Form):
    due_at = DueAtField()


class WithdrawForm(forms.Form):
    """No input: the button alone (the person who asked takes the request back)."""


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), max_length=200, required=False)


class ReturnForm(forms.Form):
    condition = forms.CharField(
        label=_("condition on return"), max_length=200, required=False, help_text=_("E.g. intact, scratched.")
    )
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LostForm(forms.Form):
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
