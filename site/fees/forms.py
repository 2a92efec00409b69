"""Forms of the fees admin. They collect input; the rules live in fees.services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estates.models import Estate
from estates.personal_data import normalize_mobile, validate_mobile
from estates.scoping import EstateScopedAdminForm, scope_queryset

from fees import services
from fees.models import Bill, ChasingStep, FeeItem, Payment, Step
from fees.workflow import ARREARS


class BillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, bill):
        return f"{bill.period_display} {bill.fee_item.name} ¥{bill.outstanding}"


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount (¥)"), max_length=20)
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.CASH)
    bills = BillChoiceField(
        label=_("Bills settled"), queryset=Bill.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the oldest bills are settled first."),
    )
    keep_rest_as_credit = forms.BooleanField(
        label=_("Keep the rest as credit"), required=False,
        help_text=_("If the amount is more than the bills owe, keep the rest for the next bills."),
    )
    paid_at = forms.DateTimeField(
        label=_("Paid at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], help_text=_("Empty: now."),
    )
    payer = forms.CharField(label=_("Paid by"), max_length=100, required=False)
    reference = forms.CharField(label=_("Transaction reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, house, **kwargs):
        super().__init__(*args, **kwargs)
        self.house = house
        self.fields["bills"].queryset = (
            Bill.objects.filter(house=house, paid__lt=F("amount")).select_related("fee_item").order_by("period", "pk")
        )


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ChasingStep.Outcome.choices[1:])
    note = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 3}))
    done_at = forms.DateTimeField(
        label=_("When"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], help_text=_("Empty: now."),
    )

    def __init__(self, *args, user, house, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = allowed_manual_steps(user, house)
        self.fields["step"].choices = [(step, label) for step, label in Step.choices if step in allowed]


def allowed_manual_steps(user, house) -> list[str]:
    """The steps the user may record for the house: the ones the service accepts (fees.workflow)."""
    return ARREARS.allowed(house, user)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason of the reversal"), max_length=255)


class MonthField(forms.DateField):
    """A month typed as 2026-11 (the input type=month of browsers)."""

    widget = forms.DateInput(attrs={"type": "month"})

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m"], **kwargs)
        self.error_messages["invalid"] = _("Enter a month as YYYY-MM, e.g. 2026-11.")


class ReadingsImportForm(forms.Form):
    fee_item = forms.ModelChoiceField(label=_("Fee item"), queryset=FeeItem.objects.none())
    period = MonthField(label=_("Month"))
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee_item"].queryset = scope_queryset(
            FeeItem.objects.filter(basis=FeeItem.Basis.METERED, active=True).select_related("estate"), user
        )


class IssueBillsForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=None)
    period = MonthField(label=_("Month"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = scope_queryset(Estate.objects.all(), user)

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period > services.add_months(timezone.localdate().replace(day=1), 1):
            raise ValidationError(_("Bills can be issued for next month at the latest."))
        return period


class ArrearsCaseAdminForm(EstateScopedAdminForm):
    """Who reminders go to: a valid mainland mobile and/or an email. Saved by
    fees.services.arrears_contact_save (see the register_actions hook of fees.wagtail_hooks)."""

    def clean_contact_mobile(self):
        value = self.cleaned_data.get("contact_mobile", "")
        if value:
            validate_mobile(value)
            value = normalize_mobile(value)
        return value

