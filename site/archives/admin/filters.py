"""Listing filters of the household files: by building and unit, by steward, "my households"."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from archives import documents_sync
from archives.models import Document, Household
from archives.stewards import stewards_for


def _stewards(request):
    return stewards_for(request.user) if request is not None else Household.objects.none()


class HouseholdFilterSet(WagtailFilterSet):
    mine = django_filters.ChoiceFilter(
        label=_("Steward"), method="filter_mine", empty_label=_("Any"),
        choices=[("me", _("My households")), ("none", _("No steward yet"))],
    )
    steward = django_filters.ModelChoiceFilter(label=_("Steward's households"), queryset=_stewards)
    house__unit = django_filters.CharFilter(label=_("unit"))

    class Meta:
        model = Household
        fields = ["house__building__estate", "house__building", "house__unit", "house__status", "steward"]

    def filter_mine(self, queryset, name, value):
        if value == "me":
            return queryset.filter(steward=self.request.user)
        if value == "none":
            return queryset.filter(steward__isnull=True)
        return queryset


class MyHouseholdsFilter(django_filters.ChoiceFilter):
    """"My households" for any listing of records of a house (tickets, arrears cases...):
    ``field_name`` is the path from the record to its house's household file."""

    def __init__(self, field_name="house__household", **kwargs):
        kwargs.setdefault("label", _("Steward"))
        kwargs.setdefault("empty_label", _("Any"))
        kwargs.setdefault("choices", [("me", _("My households"))])
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if value == "me":
            return qs.filter(**{f"{self.field_name}__steward": self.parent.request.user})
        return qs


def listing_filterset(model, fields: list[str], household_path: str = "house__household"):
    """A filterset of ``fields`` (a viewset's list_filter) plus "my households"."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}FilterSet", (WagtailFilterSet,), {
        "Meta": meta, "mine": MyHouseholdsFilter(household_path),
    })


class DocumentFilterSet(WagtailFilterSet):
    """The listing's filters, with "electronic and paper in step" (archives.documents_sync)."""

    sync = django_filters.ChoiceFilter(label=_("electronic and paper copies"), choices=documents_sync.CHOICES,
                                       method="filter_sync")

    class Meta:
        model = Document
        fields = ["estate", "category", "year", "confidentiality", "is_out"]

    def filter_sync(self, queryset, name, value):
        return documents_sync.filter_documents(queryset, value)
