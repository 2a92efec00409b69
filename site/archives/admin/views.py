"""The archives' snippet views: search with personal data, history links, logging of unmasked data."""

from __future__ import annotations

import re

from django.db.models import Q
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from estates.personal_data import can_view_personal_data, normalize_mobile
from wagtail.admin.widgets import Button
from wagtail.snippets.views import snippets as snippet_views

from archives import search, views
from archives.admin.panels import household_records_context
from archives.models import Person
from archives.privacy import log_listed, log_shown, shown
from archives.validators import normalize_id_number, normalize_plate

_FULL_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_FULL_ID = re.compile(r"^\d{17}[\dX]$|^[A-Z0-9]{6,}$")
_TOKEN_SPLIT = re.compile(r"[\s\-–—/]+")


class ArchiveIndexView(snippet_views.IndexView):
    """Search over the listing's fields, plus personal data as the user may search it.

    Everyone who may open the record finds a person by a *full* mobile or ID number; only users
    who may see personal data also find them by part of one (so masked users cannot probe digits).
    """

    mobile_fields: tuple[str, ...] = ()
    id_fields: tuple[str, ...] = ()
    plate_fields: tuple[str, ...] = ()

    def people_listed(self, object_list) -> list:
        """The people whose personal data this page shows (unmasked for privileged users)."""
        return []

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        people = self.people_listed(context.get("object_list") or [])
        if people:
            log_listed(user=self.request.user, people=people, fields=self.listed_personal_fields)
        return context

    listed_personal_fields: tuple[str, ...] = ("mobile", "id_number")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        privileged = can_view_personal_data(self.request.user)
        if self.model in search.IDS_FOR:
            # Households, people, vehicles: one indexed branch per kind of identifier.
            return search.search(queryset, query, privileged=privileged)
        partial_personal = (*self.mobile_fields, *self.id_fields) if privileged else ()
        condition = Q()
        # "3栋-1单元-101" (a house label) matches building, unit and room word by word.
        tokens = [t.removesuffix("单元") for t in _TOKEN_SPLIT.split(query)]
        for token in (t for t in tokens if t):
            token_q = Q()
            for field in (*(self.search_fields or ()), *partial_personal):
                token_q |= Q(**{f"{field}__icontains": token})
            condition &= token_q
        mobile = normalize_mobile(query)
        if _FULL_MOBILE.match(mobile) or (privileged and mobile.isdigit() and len(mobile) >= 4):
            for field in self.mobile_fields:
                lookup = field if _FULL_MOBILE.match(mobile) else f"{field}__contains"
                condition |= Q(**{lookup: mobile})
        id_number = normalize_id_number(query)
        if _FULL_ID.match(id_number):
            for field in self.id_fields:
                condition |= Q(**{field: id_number})
        plate = normalize_plate(query)
        if plate:
            for field in self.plate_fields:
                condition |= Q(**{f"{field}__icontains": plate})
        return queryset.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))


def _index_view(**attrs):
    return type("ArchiveIndexView", (ArchiveIndexView,), attrs)


class HouseholdIndexView(ArchiveIndexView):
    mobile_fields = ("people__mobile",)
    id_fields = ("people__id_number",)
    plate_fields = ("vehicles__plate",)
    #: The listing shows the owners' mobiles, not ID numbers.
    listed_personal_fields = ("mobile",)

    def people_listed(self, object_list):
        return [p for household in object_list for p in household.people.all() if p.role == Person.Role.OWNER]


class PersonIndexView(ArchiveIndexView):
    mobile_fields = ("mobile",)
    id_fields = ("id_number",)

    def people_listed(self, object_list):
        return list(object_list)


class HistoryButtonMixin:
    """A "History" button on edit and inspect views, pointing at the archives' history page."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button(_("History"), url=views.history_url(self.object), icon_name="history", priority=40))
        return buttons


class RedirectingHistoryView(snippet_views.HistoryView):
    """The snippet's own history (Wagtail log entries) is replaced by the field-level history."""

    def get(self, request, *args, **kwargs):
        return redirect(views.history_url(self.object))


class LogPersonalDataOnGetMixin:
    """Log the people whose personal data the page shows unmasked (only on display, not on save)."""

    def people_shown(self):
        return []

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_shown(user=request.user, people=self.people_shown())
        return response


class HouseholdEditView(HistoryButtonMixin, LogPersonalDataOnGetMixin, snippet_views.EditView):
    def people_shown(self):
        return list(self.object.people.all())


class HouseholdInspectView(HistoryButtonMixin, snippet_views.InspectView):
    template_name = "archives/household_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        people = list(self.object.people.all())
        for person in people:
            person.shown_mobile = shown("mobile", person.mobile, user)
            person.shown_id_number = shown("id_number", person.id_number, user)
        log_shown(user=user, people=people)
        context.update(people=people, vehicles=list(self.object.vehicles.all()))
        context.update(household_records_context(self.object, user))
        return context


class PersonEditView(HistoryButtonMixin, LogPersonalDataOnGetMixin, snippet_views.EditView):
    def people_shown(self):
        return [self.object]


class PersonInspectView(HistoryButtonMixin, snippet_views.InspectView):
    def get_mobile_display_value(self):
        return shown("mobile", self.object.mobile, self.request.user) or "—"

    def get_id_number_display_value(self):
        return shown("id_number", self.object.id_number, self.request.user) or "—"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        log_shown(user=self.request.user, people=[self.object])
        return context


class ArchiveEditView(HistoryButtonMixin, snippet_views.EditView):
    pass


class ArchiveInspectView(HistoryButtonMixin, snippet_views.InspectView):
    pass


class DocumentInspectView(HistoryButtonMixin, snippet_views.InspectView):
    def get_file_display_value(self):
        if not self.object.file:
            return "—"
        return format_html('<a href="{}">{}</a>', views.document_file_url(self.object),
                           self.object.file.name.rsplit("/", 1)[-1])
