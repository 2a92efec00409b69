"""Forms of the fee desk's paperwork (invoices) and reports (ageing). They collect input; the
rules live in fees.invoices and fees.letters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.models import Building

from fees.models.invoices import InvoiceRequest


class InvoiceRequestForm(forms.Form):
    buyer_type = forms.ChoiceField(
        label=_("buyer"), choices=InvoiceRequest.BuyerType.choices, initial=InvoiceRequest.BuyerType.PERSONAL,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("invoice title (抬头)"), max_length=100)
    tax_number = forms.CharField(
        label=_("tax number (税号)"), max_length=30, required=False,
        help_text=_("A company's unified social credit code: 18 characters. Not needed for a person."),
    )
    note = forms.CharField(label=_("note"), max_length=255, required=False)


class InvoiceIssueForm(forms.Form):
    invoice_no = forms.CharField(label=_("invoice number"), max_length=30)
    invoice_date = forms.DateField(label=_("invoice date"), widget=forms.DateInput(attrs={"type": "date"}))


class InvoiceCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)


class AgeingForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("estate"), queryset=None, empty_label=None)
    building = forms.ModelChoiceField(label=_("building"), queryset=None, required=False, empty_label=_("All buildings"))
    by = forms.ChoiceField(label=pgettext_lazy("ageing report", "rows"), choices=[("house", _("by house")), ("item", _("by fee item"))], initial="house")
    as_of = forms.DateField(label=_("on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = Building.objects.filter(estate__in=estates).select_related("estate")

    def clean(self):
        data = super().clean()
        if data.get("building") and data.get("estate") and data["building"].estate_id != data["estate"].pk:
            self.add_error("building", _("This building is not in the chosen estate."))
        return data
