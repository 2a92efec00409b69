"""Forms of the service desk: the owner's public form, the intake and the step forms.

Forms only parse input; the rules live in services.py (the views call them and show their
ValidationErrors on the form).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from estatedesk.guard import HoneypotForm
from estates.models import Estate, House
from estates.personal_data import normalize_mobile, validate_mobile
from estates.scoping import scope_queryset

from servicedesk.models import RepairCategory, Ticket
from servicedesk.services import DESK_ROLES, desk_handlers, maintenance_staff

User = get_user_model()
MAX_PHOTO_BYTES = 5 * 1024 * 1024
DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def _datetime_field(label, required=False):
    return forms.DateTimeField(
        label=label, required=required, input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def find_house(*, estate: Estate, building: str, unit: str, room: str) -> House | None:
    """The house of ``estate`` named by building, unit and room as people write them."""
    building = (building or "").strip()
    unit = (unit or "").strip().removesuffix("单元")
    room = (room or "").strip()
    names = {building, building.removesuffix("栋"), f"{building.removesuffix('栋')}栋"}
    return (
        House.objects.select_related("building")
        .filter(building__estate=estate, building__name__in=names, unit=unit, room=room)
        .first()
    )


class PlaceMixin:
    """Resolve the house from estate + building/unit/room (or a house id), or a shared area."""

    def clean_place(self, cleaned):
        estate = cleaned.get("estate")
        if estate is None:
            return
        house = None
        house_id = cleaned.get("house")
        parts = [cleaned.get(name, "") for name in ("building", "unit", "room")]
        if house_id:
            house = House.objects.select_related("building").filter(pk=house_id).first()
            if house is None or house.building.estate_id != estate.pk:
                self.add_error("house", _("This house is not in the chosen estate."))
                return
        elif any(parts):
            if not cleaned.get("building") or not cleaned.get("room"):
                self.add_error("room", _("Give the building and the room number."))
                return
            house = find_house(estate=estate, building=parts[0], unit=parts[1], room=parts[2])
            if house is None:
                self.add_error("room", _("There is no such house in %(estate)s.") % {"estate": estate})
                return
        elif not (cleaned.get("shared_area") or "").strip():
            self.add_error("shared_area", _("Give the house (building, unit, room) or the shared area concerned."))
            return
        cleaned["house_obj"] = house


class PublicReportForm(PlaceMixin, HoneypotForm):
    KIND_CHOICES = [(Ticket.Kind.REPAIR, _("Report a repair")), (Ticket.Kind.SUGGESTION, _("Make a suggestion"))]

    kind = forms.ChoiceField(label=_("What is it about?"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial=Ticket.Kind.REPAIR)
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.order_by("code"), empty_label=_("— choose —"))
    building = forms.CharField(label=_("Building"), max_length=50, required=False, widget=forms.TextInput(attrs={"placeholder": "3栋"}))
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    room = forms.CharField(label=_("Room number"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    house = forms.IntegerField(required=False, widget=forms.HiddenInput)
    shared_area = forms.CharField(
        label=_("Or a shared area"), max_length=200, required=False,
        help_text=_("e.g. the lift of building 3, the garage, the garden"),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_mobile = forms.CharField(
        label=_("Your mobile"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("You need it with the ticket number to look up the status."),
    )
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_contact_mobile(self):
        value = self.cleaned_data["contact_mobile"]
        validate_mobile(value)
        return normalize_mobile(value)

    def clean(self):
        cleaned = super().clean()
        self.clean_place(cleaned)
        return cleaned


class StatusLookupForm(HoneypotForm):
    number = forms.CharField(label=_("Ticket number"), max_length=40, widget=forms.TextInput(attrs={"autocapitalize": "characters"}))
    contact_mobile = forms.CharField(
        label=_("Mobile given when reporting"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_contact_mobile(self):
        return normalize_mobile(self.cleaned_data["contact_mobile"])


class IntakeForm(PlaceMixin, forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Ticket.Kind.choices)
    category = forms.ModelChoiceField(
        label=_("Repair category"), queryset=RepairCategory.objects.none(), required=False,
    )
    severity = forms.ChoiceField(
        label=_("Severity (complaints)"), choices=[("", "—"), *Ticket.Severity.choices], required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE)
    building = forms.CharField(label=_("Building"), max_length=50, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    room = forms.CharField(label=_("Room number"), max_length=20, required=False)
    house = forms.IntegerField(required=False, widget=forms.HiddenInput)
    shared_area = forms.CharField(label=_("Or a shared area"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100)
    contact_mobile = forms.CharField(label=_("Contact mobile"), max_length=20)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    expected_at = _datetime_field(_("Owner's expected time"))
    received_at = _datetime_field(_("Received at (empty: now)"))
    photo = forms.ImageField(label=_("Photo"), required=False)
    handler = forms.ModelChoiceField(
        label=_("Handler (empty: yourself)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        estates = scope_queryset(Estate.objects.order_by("code"), user)
        self.fields["estate"].queryset = estates
        if estates.count() == 1:
            self.fields["estate"].initial = estates.first().pk
        self.fields["handler"].queryset = (
            User.objects.filter(
                is_active=True, estate_memberships__estate__in=estates, groups__name__in=DESK_ROLES
            ).distinct().order_by("username")
        )
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["category"].queryset = RepairCategory.objects.filter(
            estate__in=estates, active=True).select_related("estate")
        if estates.count() > 1:
            self.fields["category"].label_from_instance = lambda c: f"{c.estate.code} · {c.name}"

    def clean_contact_mobile(self):
        value = self.cleaned_data["contact_mobile"]
        validate_mobile(value)
        return normalize_mobile(value)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("The photo is larger than 5 MB."))
        return photo

    def clean(self):
        cleaned = super().clean()
        self.clean_place(cleaned)
        return cleaned


class DispatchForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Maintenance person"), queryset=User.objects.none(), required=False)
    contractor = forms.CharField(label=_("Or a contractor"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = maintenance_staff(ticket.estate)
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What the complainant was told"), widget=forms.Textarea(attrs={"rows": 2}))


class DoneForm(forms.Form):
    result = forms.CharField(label=_("What was done / the answer"), widget=forms.Textarea(attrs={"rows": 3}))
    adopted = forms.TypedChoiceField(
        label=_("Suggestion adopted?"), required=False, coerce=lambda v: {"yes": True, "no": False}.get(v),
        choices=[("", "—"), ("yes", _("adopted")), ("no", _("not adopted (give the reason above)"))],
        empty_value=None,
    )


class ReturnVisitForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 very satisfied")), (4, _("4 satisfied")), (3, _("3 neutral")),
                 (2, _("2 dissatisfied")), (1, _("1 very dissatisfied"))],
    )
    comment = forms.CharField(label=_("Comment (quality, attitude)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_confirmed = forms.BooleanField(label=_("The owner confirms the work"), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}))


class HandlerForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("New handler"), queryset=User.objects.none())

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = desk_handlers(estate)
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ShiftHandoverForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    from_user = forms.ModelChoiceField(label=_("Outgoing handler"), queryset=User.objects.none())
    to_user = forms.ModelChoiceField(label=_("Incoming handler"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        estates = scope_queryset(Estate.objects.order_by("code"), user)
        self.fields["estate"].queryset = estates
        if estates.count() == 1:
            self.fields["estate"].initial = estates.first().pk
        staff = User.objects.filter(is_active=True, estate_memberships__estate__in=estates).distinct().order_by("username")
        for name in ("from_user", "to_user"):
            self.fields[name].queryset = staff
            self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["from_user"].initial = user.pk


class KpiForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7, required=False, widget=forms.TextInput(attrs={"type": "month"}))
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none(), required=False, empty_label=_("All my estates"))
    category = forms.ModelChoiceField(
        label=_("Repair category"), queryset=RepairCategory.objects.none(), required=False,
        empty_label=_("All categories"),
    )
    by = forms.ChoiceField(
        label=_("Rows"), choices=[("estate", _("per estate")), ("handler", _("per handler"))], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = scope_queryset(Estate.objects.order_by("code"), user)
        self.fields["category"].queryset = scope_queryset(
            RepairCategory.objects.select_related("estate").order_by("estate__code", "order", "name"), user)
        self.fields["category"].label_from_instance = lambda c: f"{c.estate.code} · {c.name}"

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise ValidationError(_("Give the month as YYYY-MM.")) from None


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form that asked for it (field errors on their field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
