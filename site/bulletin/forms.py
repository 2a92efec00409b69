from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estatedesk.guard import HoneypotForm
from estates.models import House

# The honeypot field comes from the one public-form guard (estatedesk.guard); the templates hide it.
HoneypotMixin = HoneypotForm


class SignupForm(HoneypotMixin):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    house = forms.ModelChoiceField(label=_("House"), queryset=House.objects.none(), empty_label=_("Choose your house"))
    mobile = forms.CharField(label=_("Mobile"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    people = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = (
            House.objects.filter(building__estate_id=event.estate_id).select_related("building")
            .order_by("building__name", "unit", "room")
        )
        self.fields["house"].error_messages["invalid_choice"] = _("Choose your house from this estate's houses.")
        self.fields["people"].max_value = event.max_people_per_signup
        self.fields["people"].widget.attrs.update(max=event.max_people_per_signup, min=1)
        self.fields["people"].validators = []
        self.fields["name"].widget.attrs["autocomplete"] = "name"


class FeedbackForm(HoneypotMixin):
    mobile = forms.CharField(
        label=_("Mobile you signed up with"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – neutral")),
                 (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))],
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
