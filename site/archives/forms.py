"""Admin forms of the archives: masked personal data never overwrites the real value."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from estates.personal_data import can_view_personal_data
from estates.scoping import EstateScopedAdminForm

from archives.models import Household, Key
from archives.privacy import MASKS, mask


class PersonForm(EstateScopedAdminForm):
    """A person, alone or inline in the household form.

    For a user who may not see personal data, the mobile and ID number fields show the masked
    value; submitting that masked value unchanged keeps the real one. Typing a new value replaces it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.masked_values: dict[str, str] = {}
        if self.for_user is not None and not can_view_personal_data(self.for_user):
            self.apply_masks()

    def apply_masks(self) -> None:
        if not self.instance.pk:
            return
        for field in MASKS:
            real = getattr(self.instance, field, "")
            if field in self.fields and real:
                self.masked_values[field] = mask(field, real)
                self.initial[field] = self.masked_values[field]
                self.fields[field].help_text = _(
                    "Shown masked. Leave it as it is to keep the recorded value, or type a new one."
                )

    def _kept(self, field: str):
        value = self.cleaned_data.get(field)
        if field in self.masked_values and value == self.masked_values[field]:
            return getattr(self.instance, field)
        return value

    def clean_mobile(self):
        return self._kept("mobile")

    def clean_id_number(self):
        return self._kept("id_number")


class HouseholdForm(EstateScopedAdminForm):
    """The whole file on one page; only houses without a file are offered for a new one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        house_field = self.fields.get("house")
        if house_field is not None:
            # The chooser offers only houses without a file; the check is in clean_house, so that a
            # house that got its file meanwhile is refused in plain words, not "选择一个有效的选项".
            house_field.queryset = house_field.queryset.select_related("building")
        people = self.formsets.get("people")
        if people is not None and self.for_user is not None and not can_view_personal_data(self.for_user):
            for form in people.forms:
                if isinstance(form, PersonForm) and not form.masked_values:
                    form.apply_masks()


    def clean_house(self):
        house = self.cleaned_data.get("house")
        if house is not None:
            taken = Household.objects.filter(house=house).exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError(
                    _("%(house)s already has a household file (perhaps opened by a colleague a moment ago): "
                      "open that file, or choose another house.") % {"house": house.label}
                )
        return house


class KeyForm(EstateScopedAdminForm):
    """A key's "lent out" status belongs to the borrowing register (lending.services): the form
    neither sets it nor takes a lent-out key back, so the status always agrees with the register."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is None:
            return
        self.was_out = bool(self.instance.pk) and self.instance.status == Key.Status.LENT_OUT
        if self.was_out:
            status.disabled = True
            status.help_text = _("This key is out on loan: it comes back through the borrowing register.")
        else:
            status.choices = [c for c in status.choices if c[0] != Key.Status.LENT_OUT]

    def clean_status(self):
        value = self.cleaned_data.get("status")
        if self.was_out:
            return Key.Status.LENT_OUT
        if value == Key.Status.LENT_OUT:
            raise ValidationError(_("A key is lent out only through the borrowing register."))
        return value
