"""The house chooser of a household file: search as clerks type ("1-2-301", "3栋 1201"), see each
house's status and whether it already has a file; a house with a file cannot be picked for a
new one (it is listed, greyed, so the clerk sees why it is not offered).

Wagtail's generic snippet chooser of House lists every house by its label over many pages with no
search; this one is used only by the household form (``register_widget = False``), the House
snippet keeps its own chooser elsewhere (keys, tickets).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from estates.models import House
from estates.scoping import scope_queryset
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from archives.models import Household

#: Separators and the words clerks add: 1-2-301, 1栋2单元301室, 3幢 1201, 1/2/301.
_SEPARATORS = re.compile(r"[\s\-－—–_/\\,，.、]+|栋|幢|号楼|单元|室|号")


def house_search(text: str) -> Q:
    """Building, unit and room from what a clerk types; one part matches any of the three."""
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not parts:
        return Q()

    def building(value):
        return Q(building__name__iexact=value) | Q(building__name__iregex=rf"^{re.escape(value)}(栋|幢|号楼)$")

    def unit(value):
        return Q(unit__iexact=value) | Q(unit__iexact=f"{value}单元")

    if len(parts) >= 3:
        return building(parts[0]) & unit(parts[1]) & Q(room__iexact="".join(parts[2:]))
    if len(parts) == 2:
        # "1-2": a building's unit; "3-1201": building and room; "2-301": unit and room.
        first, second = parts
        return (building(first) & unit(second)) | ((building(first) | unit(first)) & Q(room__iexact=second))
    [value] = parts
    return building(value) | Q(room__istartswith=value) | Q(building__name__icontains=value)


class HouseFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search"), required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Building-unit-room, e.g. 1-2-301")}),
    )
    free_only = forms.BooleanField(label=_("Only houses without a file"), required=False)

    def filter(self, objects):
        objects = super().filter(objects)
        text = self.cleaned_data.get("q")
        if text:
            objects = objects.filter(house_search(text))
        if self.cleaned_data.get("free_only"):
            objects = objects.filter(has_file=False)
        return objects


class _Scoped:
    """Only houses of the user's estates, and only for users who may open or edit a file."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.has_perm("archives.add_household") or request.user.has_perm("archives.change_household")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        files = Household.objects.filter(house=OuterRef("pk"))
        houses = House.objects.select_related("building__estate").annotate(has_file=Exists(files))
        return scope_queryset(houses, self.request.user).order_by("building__estate__code", "building__name", "unit", "room")


class _Columns:
    filter_form_class = HouseFilterForm

    @property
    def columns(self):
        return [
            TitleColumn(
                "title", label=_("House"), accessor="label",
                # A house with a file is shown without a link: it cannot be chosen for a new file.
                get_url=lambda house: None if house.has_file else self.append_preserved_url_parameters(
                    reverse(self.chosen_url_name, args=(house.pk,))
                ),
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("estate", label=_("estate"), accessor="building.estate.name"),
            Column("floor", label=_("floor"), accessor="floor"),
            Column("status", label=_("status"), accessor="get_status_display"),
            Column("has_file", label=_("Household file"),
                   accessor=lambda house: _("Has a file") if house.has_file else _("No file yet")),
        ]


class HouseChooseView(_Scoped, _Columns, chooser_views.ChooseView):
    pass


class HouseChooseResultsView(_Scoped, _Columns, chooser_views.ChooseResultsView):
    pass


class HouseChosenView(_Scoped, chooser_views.ChosenView):
    def get_object(self, pk):
        if not str(pk).isdigit():
            raise House.DoesNotExist
        return self.get_object_list().get(pk=pk)


class HouseChosenMultipleView(chooser_views.ChosenMultipleView):
    """A file has one house: no multiple choice."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


class HouseCreateView(chooser_views.CreateView):
    """Houses are created in the estates' admin, not from a household file."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


class HouseChooserViewSet(ChooserViewSet):
    model = House
    icon = "home"
    choose_one_text = _("Choose a house")
    choose_another_text = _("Choose another house")
    per_page = 20
    register_widget = False
    choose_view_class = HouseChooseView
    choose_results_view_class = HouseChooseResultsView
    chosen_view_class = HouseChosenView
    chosen_multiple_view_class = HouseChosenMultipleView
    create_view_class = HouseCreateView


house_chooser_viewset = HouseChooserViewSet("archives_house_chooser", url_prefix="archives/choose-house")
