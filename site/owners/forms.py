"""The owner portal's forms. Public ones (sign-in, report) carry the honeypot (HoneypotForm)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from estatedesk.guard import HoneypotForm
from servicedesk.models import Ticket
from servicedesk.photos import MAX_PHOTOS

from owners.services import clean_mobile


class MobileForm(HoneypotForm):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def clean_mobile(self):
        mobile = clean_mobile(self.cleaned_data["mobile"])
        if mobile is None:
            raise ValidationError(_("Enter a mainland mobile number (11 digits)."))
        return mobile


class CodeForm(HoneypotForm):
    code = forms.CharField(label=_("Code from the SMS"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); the photo checks are the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReportForm(HoneypotForm):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Ticket.Kind.choices, initial=Ticket.Kind.REPAIR)
    category = forms.ChoiceField(label=_("Repair category"), required=False)
    description = forms.CharField(label=_("Describe the matter"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    shared_area = forms.CharField(
        label=_("Where, if not in your home (lobby, lift, garage...)"), max_length=200, required=False,
    )
    expected_at = forms.DateTimeField(
        label=_("Preferred time"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    photos = MultipleFileField(
        label=_("Photos (up to %(n)s, JPEG or PNG)") % {"n": MAX_PHOTOS}, required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *[(c.pk, c.name) for c in categories]]


class ConfirmForm(HoneypotForm):
    confirmed = forms.TypedChoiceField(
        label=_("Is the matter resolved?"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes, I confirm the result")), ("no", _("No, it is not resolved"))],
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 very satisfied")), (4, _("4 satisfied")), (3, _("3 neutral")),
                 (2, _("2 dissatisfied")), (1, _("1 very dissatisfied"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
