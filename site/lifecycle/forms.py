"""Forms of the desk procedures: they parse input; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.models import Estate, House
from estates.scoping import scope_queryset
from fees.models import Payment
from fees.services import Deduction

from lifecycle.models import DecorationViolation, LifecycleRules, MoveIn, Release
from lifecycle.models.rules import lines

#: ISO format: a browser date input reads only YYYY-MM-DD (zh-hans would render 2026/11/02).
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one field (Django's documented pattern); the service checks each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class HouseField(forms.ModelChoiceField):
    def label_from_instance(self, house):
        return f"{house.building.estate.name} {house.label}"


def _house_field(user):
    houses = scope_queryset(House.objects.select_related("building__estate"), user).order_by(
        "building__estate__code", "building__name", "unit", "room")
    return HouseField(queryset=houses, label=_("house"))


class _HouseForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"house": _house_field(user), **self.fields}


class MoveInForm(_HouseForm):
    owner_name = forms.CharField(label=pgettext_lazy("household role", "owner"), max_length=50)
    owner_mobile = forms.CharField(label=_("owner's mobile"), max_length=20)
    owner_id_number = forms.CharField(label=_("owner's ID document number"), max_length=30, required=False)
    date = forms.DateField(label=_("date"), widget=DATE)
    slot = forms.ChoiceField(label=_("time slot"), choices=MoveIn.Slot.choices)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(forms.Form):
    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)


class StartForm(EmptyForm):
    documents_checked = forms.MultipleChoiceField(label=_("documents checked"), required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents_checked"].choices = [(d, d) for d in (obj.documents if obj else [])]


def _rows(text: str, names: tuple[str, ...]) -> list[dict]:
    """Lines of comma-separated values (Chinese commas too) → dicts of ``names``."""
    rows = []
    for line in lines(text):
        values = [v.strip() for v in line.replace("，", ",").split(",")]
        rows.append(dict(zip(names, values, strict=False)))
    return rows


class CompleteForm(EmptyForm):
    members = forms.CharField(
        label=_("family members and residents"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, relationship, mobile (e.g. 李娜, 配偶, 13800138000)."),
    )
    vehicles = forms.CharField(
        label=_("vehicles"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: plate, colour, parking space (e.g. 粤B12345, 白色, B1-021)."),
    )
    keys = forms.CharField(
        label=_("keys handed over"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: tag code, what it opens, copies (e.g. K-0301, 入户门, 2)."),
    )

    def clean_members(self):
        return _rows(self.cleaned_data["members"], ("name", "relationship", "mobile"))

    def clean_vehicles(self):
        return _rows(self.cleaned_data["vehicles"], ("plate", "colour", "parking_space"))

    def clean_keys(self):
        rows = _rows(self.cleaned_data["keys"], ("tag", "opens", "copies"))
        for row in rows:
            if row.get("copies") and not row["copies"].isdigit():
                raise forms.ValidationError(_("The number of copies of key %(tag)s is not a number.") % {"tag": row["tag"]})
        return rows


MOVEIN_FORMS = {"start": StartForm, "complete": CompleteForm}


# --- decoration -----------------------------------------------------------------------------
class DecorationForm(_HouseForm):
    owner_name = forms.CharField(label=pgettext_lazy("household role", "owner"), max_length=50)
    owner_mobile = forms.CharField(label=_("owner's mobile"), max_length=20)
    contractor = forms.CharField(label=_("contractor"), max_length=100)
    contractor_contact = forms.CharField(label=_("contractor's site manager"), max_length=50, required=False)
    contractor_mobile = forms.CharField(label=_("site manager's mobile"), max_length=20, required=False)
    workers = forms.CharField(label=_("workers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One per line: name and trade."))
    scope = forms.CharField(label=_("scope of the works"), widget=forms.Textarea(attrs={"rows": 3}))
    controlled_items = forms.MultipleChoiceField(label=_("controlled items included"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    start = forms.DateField(label=_("works start"), widget=DATE)
    end = forms.DateField(label=_("works end"), widget=DATE)
    deposit_amount = forms.DecimalField(label=_("deposit (¥)"), min_value=0, decimal_places=2, max_digits=10)
    deposit_method = forms.ChoiceField(label=_("method"), choices=Payment.Method.choices)
    agreement = forms.FileField(label=_("signed decoration agreement"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        estates = scope_queryset(Estate.objects.all(), user)
        items, forbidden = [], []
        for estate in estates:
            rules = LifecycleRules.for_estate(estate)
            items += [i for i in lines(rules.controlled_items) if i not in items]
            forbidden += [i for i in lines(rules.forbidden_items) if i not in forbidden]
        self.fields["controlled_items"].choices = [(i, i) for i in items]
        self.fields["scope"].help_text = _("Forbidden: %(items)s.") % {"items": "、".join(forbidden)}


class NoteForm(EmptyForm):
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class RequiredNoteForm(EmptyForm):
    note = forms.CharField(label=_("reason"), max_length=500)


class InspectForm(EmptyForm):
    ok = forms.TypedChoiceField(label=_("result"), coerce=lambda v: v == "ok", widget=forms.RadioSelect,
                                choices=[("ok", _("no problem found")), ("problem", _("problem found"))])
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label=_("photos"), required=False)


class ViolationForm(EmptyForm):
    rule = forms.CharField(label=_("rule broken"), max_length=200)
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.ChoiceField(label=_("action"), choices=DecorationViolation.Action.choices)
    rectify_by = forms.DateField(label=_("rectify by"), required=False, widget=DATE)


class AcceptForm(EmptyForm):
    house_status = forms.ChoiceField(label=_("the house is now"), choices=[
        (House.Status.OCCUPIED, House.Status.OCCUPIED.label), (House.Status.VACANT, House.Status.VACANT.label)])
    note = forms.CharField(label=_("acceptance note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SettleForm(EmptyForm):
    deductions = forms.CharField(
        label=_("deductions"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: reason, amount (e.g. 公共走道墙面损坏修复, 300)."),
    )

    def clean_deductions(self):
        rows = []
        for row in _rows(self.cleaned_data["deductions"], ("reason", "amount")):
            try:
                amount = Decimal(row.get("amount") or "")
            except InvalidOperation:
                raise forms.ValidationError(_("Each line needs a reason and an amount, e.g. 公共走道墙面损坏修复, 300.")) from None
            rows.append(Deduction(reason=row.get("reason", ""), amount=amount))
        return rows


class RectifyForm(EmptyForm):
    rectification = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(EmptyForm):
    reason = forms.CharField(label=_("reason"), max_length=500)


DECORATION_FORMS = {"approve": NoteForm, "reject": RequiredNoteForm, "inspect": InspectForm,
                    "violation": ViolationForm, "accept": AcceptForm, "settle": SettleForm}
VIOLATION_FORMS = {"rectify": RectifyForm, "reject": RejectForm}


# --- release --------------------------------------------------------------------------------
class ReleaseForm(_HouseForm):
    requester = forms.ChoiceField(label=_("requested by"), choices=Release.Requester.choices)
    requester_name = forms.CharField(label=_("requester's name"), max_length=50)
    requester_mobile = forms.CharField(label=_("requester's mobile"), max_length=20, required=False)
    items = forms.CharField(label=_("items"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One per line, with how many."))
    date = forms.DateField(label=_("moving date"), widget=DATE, initial=timezone.localdate)
    carrier = forms.CharField(label=_("carried by"), max_length=100,
                              help_text=_("Company or person, and the vehicle plate."))


class ConfirmForm(EmptyForm):
    method = forms.ChoiceField(label=_("owner's confirmation"), choices=Release.Confirmation.choices,
                               widget=forms.RadioSelect)
    code = forms.CharField(label=_("code the owner received"), max_length=10, required=False)
    id_number = forms.CharField(label=_("owner's ID document number"), max_length=30, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))


class OverrideForm(EmptyForm):
    reason = forms.CharField(label=_("reason"), max_length=500)


RELEASE_FORMS = {"confirm": ConfirmForm, "override": OverrideForm}


class GateForm(forms.Form):
    number = forms.CharField(label=_("slip number"), max_length=30)


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    estate = forms.ModelChoiceField(label=_("estate"), queryset=Estate.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = scope_queryset(Estate.objects.all(), user)

