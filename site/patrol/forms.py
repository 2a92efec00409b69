"""Forms of the patrol pages. They parse input; the rules are in services and hazards."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.models import Estate
from estates.roles import ROLES
from estates.scoping import EstateScopedAdminForm, estate_ids_for, scope_queryset

from patrol.hazards import staff_of
from patrol.models import Hazard, PatrolPlan

OK_CHOICES = [("ok", pgettext_lazy("patrol item", "OK")), ("bad", pgettext_lazy("patrol item", "Not OK"))]


class VisitForm(forms.Form):
    """One OK / not OK choice, a note and a severity per checklist item of a checkpoint."""

    def __init__(self, *args, checkpoint, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(checkpoint.items.all())
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=OK_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": _("Mark this item OK or not OK.")},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=500)
            self.fields[f"severity_{item.pk}"] = forms.ChoiceField(
                label=_("Severity"), choices=Hazard.Severity.choices, initial=Hazard.Severity.MEDIUM, required=False,
            )

    def rows(self):
        """(item, choice field, note field, severity field, photo input name) for the template."""
        return [
            (item, self[f"item_{item.pk}"], self[f"note_{item.pk}"], self[f"severity_{item.pk}"], f"photo_{item.pk}")
            for item in self.items
        ]


class AssignForm(forms.Form):
    department = forms.ChoiceField(label=_("Responsible department"), choices=Hazard.Department.choices)
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False)
    contractor = forms.CharField(label=_("Contractor"), required=False, max_length=200)
    needs_repair = forms.BooleanField(label=_("Needs a repair: open a service-desk ticket"), required=False)
    contact_mobile = forms.CharField(
        label=_("Contact mobile for the ticket"), required=False, max_length=20,
        help_text=_("Your work mobile is used when left empty."),
    )

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_of(hazard.estate)
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class RectifyForm(forms.Form):
    rectification = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not accepted"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class EmptyForm(forms.Form):
    pass


HAZARD_FORMS = {"assign": AssignForm, "rectify": RectifyForm, "reject": RejectForm}


class ReportForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none(), required=False)
    start = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = scope_queryset(Estate.objects.all(), user)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"].replace(day=1)
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if data["end"] - data["start"] > timedelta(days=366):
            raise forms.ValidationError(_("The period is at most one year."))
        return data


class PatrolPlanForm(EstateScopedAdminForm):
    """The plan's frequency needs its days; its route stays in its estate."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "responsible_role" in self.fields:
            self.fields["responsible_role"].widget = forms.Select(choices=[("", "---------"), *[(r, r) for r in ROLES]])
        if "responsible_user" in self.fields and self.for_user is not None:
            # Only staff of the user's own estates are offered (the user model is not estate-owned).
            users = get_user_model().objects.filter(is_active=True)
            ids = estate_ids_for(self.for_user)
            if ids is not None:
                users = users.filter(estate_memberships__estate__in=ids)
            self.fields["responsible_user"].queryset = users.distinct().order_by("username")

    def clean(self):
        data = super().clean()
        frequency, days = data.get("frequency"), "".join(sorted(set(data.get("weekdays") or "")))
        if days and not set(days) <= set("1234567"):
            self.add_error("weekdays", _("Use the digits 1 (Monday) to 7 (Sunday)."))
        elif frequency == PatrolPlan.Frequency.WEEKLY and len(days) != 1:
            self.add_error("weekdays", _("A weekly plan is walked on one weekday: give one digit."))
        elif frequency == PatrolPlan.Frequency.WEEKDAYS and not days:
            self.add_error("weekdays", _("Give the weekdays, e.g. 135 for Monday, Wednesday and Friday."))
        data["weekdays"] = days if frequency in (PatrolPlan.Frequency.WEEKLY, PatrolPlan.Frequency.WEEKDAYS) else ""
        day = data.get("day_of_month")
        if frequency == PatrolPlan.Frequency.MONTHLY and not (day and 1 <= day <= 31):
            self.add_error("day_of_month", _("A monthly plan needs a day of the month, 1 to 31."))
        if data.get("window_start") and data.get("window_start") == data.get("window_end"):
            self.add_error("window_end", _("The window must close at another time than it opens."))
        estate = data.get("estate")
        stops = self.formsets.get("stops") if hasattr(self, "formsets") else None
        if estate is not None and stops is not None and stops.is_valid():
            for form in stops.forms:
                checkpoint = getattr(form, "cleaned_data", {}).get("checkpoint")
                if checkpoint is not None and checkpoint.estate_id != estate.pk:
                    self.add_error(None, _("%(name)s is not a checkpoint of %(estate)s.")
                                   % {"name": checkpoint, "estate": estate})
        person = data.get("responsible_user")
        if person is not None and estate is not None and not person.estate_memberships.filter(estate=estate).exists():
            self.add_error("responsible_user", _("%(name)s does not work in %(estate)s.")
                           % {"name": person.get_full_name() or person.get_username(), "estate": estate})
        user = getattr(self, "for_user", None)
        if user is not None and estate is not None and not scope_queryset(Estate.objects.filter(pk=estate.pk), user).exists():
            self.add_error("estate", _("You do not work in this estate."))
        return data
