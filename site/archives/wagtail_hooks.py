"""Admin of the archives: one "档案 / Archives" menu group.

The household screen is the whole file: its people and vehicles inline, its keys and documents
listed with links, a link to its history. Personal data is masked for roles without
``estates.view_personal_data`` in listings, inspect views, forms and history; every unmasked
display is logged.
"""

from __future__ import annotations

import re

import django_filters
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from archives import documents_sync, views
from archives.forms import HouseholdForm, KeyForm, PersonForm
from archives.models import Document, Household, Key, Person, Vehicle
from archives.panels import DocumentsOutOfStepPanel
from archives.privacy import log_listed, log_shown, shown
from archives.validators import normalize_id_number, normalize_plate
from estates.personal_data import can_view_personal_data, normalize_mobile
from estates.scoping import EstateScopedViewSetMixin

_FULL_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_FULL_ID = re.compile(r"^\d{17}[\dX]$|^[A-Z0-9]{6,}$")
_TOKEN_SPLIT = re.compile(r"[\s\-–—/]+")


# --- Listing ------------------------------------------------------------------------------------


class MaskedColumn(Column):
    """A personal-data column: masked unless the user may see personal data."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        field = self.accessor if isinstance(self.accessor, str) else self.name
        context["value"] = shown(field, context["raw_value"] or "", request.user if request else None) or ""
        return context


class OwnersColumn(Column):
    """The owners of a household (from the prefetched people), with masked mobiles."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        user = request.user if request else None
        owners = [p for p in instance.people.all() if p.role == Person.Role.OWNER]
        context["value"] = "; ".join(
            f"{p.name} {shown('mobile', p.mobile, user)}".strip() for p in owners
        ) or "—"
        return context


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


# --- History links ------------------------------------------------------------------------------


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


# --- Household ----------------------------------------------------------------------------------


class PeopleInlinePanel(InlinePanel):
    """Inline people whose forms know the user, so personal data can be masked in them."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["form"] = PersonForm
        formset["inherit_kwargs"] = ["for_user"]
        return options


class HouseholdRecordsPanel(Panel):
    """Read-only: the house's keys and the household's documents, with links, and the history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "archives/panels/household_records.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(household_records_context(self.instance, self.request.user))
            return context


def _link(model, pk, user) -> str:
    name = model._meta.model_name
    for action, perm in (("edit", "change"), ("inspect", "view")):
        if user.has_perm(f"archives.{perm}_{name}"):
            return reverse(f"wagtailsnippets_archives_{name}:{action}", args=(pk,))
    return ""


def household_records_context(household: Household, user) -> dict:
    keys = list(Key.objects.filter(opens_house_id=household.house_id)) if user.has_perm("archives.view_key") else []
    documents = list(household.documents.all()) if user.has_perm("archives.view_document") else []
    for key in keys:
        key.link = _link(Key, key.pk, user)
    for document in documents:
        document.link = _link(Document, document.pk, user)
    return {"keys": keys, "documents": documents, "history_url": views.history_url(household)}


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


class HouseholdViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = Household
    icon = "home"
    menu_label = _("Household files")
    list_display = [
        "__str__",
        Column("estate", label=_("estate"), accessor="house.building.estate"),
        OwnersColumn("owners", label=_("owners")),
        Column("people_count", label=_("people"), accessor=lambda h: len(h.people.all())),
        Column("vehicles", label=_("vehicles"), accessor=lambda h: ", ".join(v.plate for v in h.vehicles.all() if v.active)),
        "updated_at",
    ]
    list_filter = ["house__building__estate", "house__building", "house__status"]
    search_fields = ["house__room", "house__unit", "house__building__name", "people__name", "vehicles__plate"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = HouseholdIndexView
    edit_view_class = HouseholdEditView
    inspect_view_class = HouseholdInspectView
    history_view_class = RedirectingHistoryView
    queryset = Household.objects.select_related("house__building__estate").prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("role", "name")), "vehicles"
    )
    inspect_view_fields = ["house", "notes", "created_at", "updated_at"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel([FieldPanel("house"), FieldPanel("notes")], heading=_("House")),
            PeopleInlinePanel(
                "people", heading=_("People"), label=_("person"),
                panels=[
                    FieldRowPanel([FieldPanel("name"), FieldPanel("role"), FieldPanel("relationship")]),
                    FieldRowPanel([FieldPanel("mobile"), FieldPanel("id_type"), FieldPanel("id_number")]),
                    FieldRowPanel([FieldPanel("move_in"), FieldPanel("lease_start"), FieldPanel("lease_end")]),
                    FieldPanel("notes"),
                ],
            ),
            InlinePanel(
                "vehicles", heading=_("Vehicles"), label=_("vehicle"),
                panels=[
                    FieldRowPanel([FieldPanel("plate"), FieldPanel("vehicle_type"), FieldPanel("colour")]),
                    FieldRowPanel([FieldPanel("parking_space"), FieldPanel("permit_number"), FieldPanel("active")]),
                    FieldRowPanel([FieldPanel("permit_valid_from"), FieldPanel("permit_valid_to")]),
                ],
            ),
            HouseholdRecordsPanel(heading=_("Keys and documents")),
        ],
        base_form_class=HouseholdForm,
    )


# --- People and vehicles (also listed on their own, to find them across households) -------------


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


class PersonViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = [
        "name",
        Column("household", label=_("household"), accessor="household"),
        "role",
        "relationship",
        MaskedColumn("mobile", label=_("mobile")),
        MaskedColumn("id_number", label=_("ID document number")),
        "move_in",
        "lease_end",
    ]
    list_filter = ["household__house__building__estate", "household__house__building", "role", "id_type"]
    search_fields = ["name", "relationship", "household__house__room", "household__house__building__name"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = PersonIndexView
    edit_view_class = PersonEditView
    inspect_view_class = PersonInspectView
    history_view_class = RedirectingHistoryView
    queryset = Person.objects.select_related("household__house__building__estate")
    edit_handler = ObjectList(
        [
            FieldPanel("household"),
            FieldRowPanel([FieldPanel("name"), FieldPanel("role"), FieldPanel("relationship")]),
            FieldRowPanel([FieldPanel("mobile"), FieldPanel("id_type"), FieldPanel("id_number")]),
            FieldRowPanel([FieldPanel("move_in"), FieldPanel("lease_start"), FieldPanel("lease_end")]),
            FieldPanel("notes"),
        ],
        base_form_class=PersonForm,
    )


class ArchiveEditView(HistoryButtonMixin, snippet_views.EditView):
    pass


class ArchiveInspectView(HistoryButtonMixin, snippet_views.InspectView):
    pass


class VehicleViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = Vehicle
    icon = "site"
    menu_label = _("Vehicles")
    list_display = [
        "plate", Column("household", label=_("household"), accessor="household"), "vehicle_type", "colour",
        "parking_space", "permit_number", "permit_valid_to", "active",
    ]
    list_filter = ["household__house__building__estate", "household__house__building", "vehicle_type", "active"]
    search_fields = ["plate", "parking_space", "permit_number", "household__house__room", "household__people__name"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = _index_view(plate_fields=("plate",), mobile_fields=("household__people__mobile",))
    edit_view_class = ArchiveEditView
    inspect_view_class = ArchiveInspectView
    history_view_class = RedirectingHistoryView
    queryset = Vehicle.objects.select_related("household__house__building__estate")
    panels = [
        FieldPanel("household"),
        FieldRowPanel([FieldPanel("plate"), FieldPanel("vehicle_type"), FieldPanel("colour")]),
        FieldRowPanel([FieldPanel("parking_space"), FieldPanel("permit_number"), FieldPanel("active")]),
        FieldRowPanel([FieldPanel("permit_valid_from"), FieldPanel("permit_valid_to")]),
    ]


# --- Keys and documents -------------------------------------------------------------------------


class KeyViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = Key
    icon = "key"
    menu_label = _("Keys")
    list_display = ["tag", Column("opens", label=_("opens")), "cabinet", "slot", "copies", "status", "estate"]
    list_filter = ["estate", "status", "opens_house__building", "cabinet"]
    search_fields = ["tag", "opens_room", "cabinet", "slot", "opens_house__room", "opens_house__building__name", "notes"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = _index_view()
    edit_view_class = ArchiveEditView
    inspect_view_class = ArchiveInspectView
    history_view_class = RedirectingHistoryView
    queryset = Key.objects.select_related("estate", "opens_house__building")
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("estate"), FieldPanel("tag")]),
            FieldRowPanel([FieldPanel("opens_house"), FieldPanel("opens_room")], heading=_("What it opens")),
            FieldRowPanel([FieldPanel("cabinet"), FieldPanel("slot"), FieldPanel("copies")]),
            FieldPanel("status"),
            FieldPanel("notes"),
        ],
        base_form_class=KeyForm,
    )


class DocumentInspectView(HistoryButtonMixin, snippet_views.InspectView):
    def get_file_display_value(self):
        if not self.object.file:
            return "—"
        return format_html('<a href="{}">{}</a>', views.document_file_url(self.object),
                           self.object.file.name.rsplit("/", 1)[-1])


class DocumentFilterSet(WagtailFilterSet):
    """The listing's filters, with "electronic and paper in step" (archives.documents_sync)."""

    sync = django_filters.ChoiceFilter(label=_("electronic and paper copies"), choices=documents_sync.CHOICES,
                                       method="filter_sync")

    class Meta:
        model = Document
        fields = ["estate", "category", "year", "confidentiality", "is_out"]

    def filter_sync(self, queryset, name, value):
        return documents_sync.filter_documents(queryset, value)


class DocumentViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = Document
    icon = "doc-full"
    menu_label = _("Documents")
    list_display = [
        "title", "reference", "category", "year", "confidentiality",
        Column("paper", label=_("paper copy"), accessor=lambda d: " / ".join(p for p in (d.cabinet, d.box) if p)),
        "is_out", Column("household", label=_("household"), accessor="household"), "estate",
    ]
    filterset_class = DocumentFilterSet
    search_fields = ["title", "reference", "cabinet", "box", "household__house__room", "notes"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = _index_view()
    edit_view_class = ArchiveEditView
    inspect_view_class = DocumentInspectView
    history_view_class = RedirectingHistoryView
    queryset = Document.objects.select_related("estate", "household__house__building")
    panels = [
        FieldRowPanel([FieldPanel("estate"), FieldPanel("household")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("year"), FieldPanel("reference")]),
        FieldPanel("file"),
        FieldRowPanel([FieldPanel("cabinet"), FieldPanel("box"), FieldPanel("confidentiality")], heading=_("Paper copy")),
        FieldPanel("notes"),
    ]


class ArchivesGroup(SnippetViewSetGroup):
    menu_label = _("Archives")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    #: Other apps (e.g. lending) may add items to this menu with this hook name.
    submenu_hook = "register_archives_menu_item"
    items = (HouseholdViewSet, PersonViewSet, VehicleViewSet, KeyViewSet, DocumentViewSet)


class DeletedRecordsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return any(
            user.has_perm(f"archives.{action}_{name}")
            for name in ("household", "person", "vehicle", "key", "document")
            for action in ("view", "add", "change")
        )


@hooks.register("register_archives_menu_item")
def register_deleted_records_menu_item():
    return DeletedRecordsMenuItem(_("Deleted records"), reverse("archives_deleted"), icon_name="bin", order=900)


@hooks.register("register_admin_urls")
def register_archives_urls():
    return [
        path("archives/history/<str:model_name>/<int:pk>/", views.RecordHistoryView.as_view(), name="archives_history"),
        path(
            "archives/history/<str:model_name>/<int:pk>/restore/<int:history_id>/",
            views.RestoreVersionView.as_view(), name="archives_history_restore",
        ),
        path("archives/deleted/", views.DeletedRecordsView.as_view(), name="archives_deleted"),
        path("archives/document/<int:pk>/file/", views.document_file, name="archives_document_file"),
        path(
            "archives/deleted/<str:model_name>/<int:pk>/restore/",
            views.RestoreDeletedView.as_view(), name="archives_deleted_restore",
        ),
    ]


register_snippet(ArchivesGroup)


@hooks.register("construct_homepage_panels")
def add_documents_out_of_step_panel(request, panels):
    if request.user.has_perm("archives.view_document") or request.user.has_perm("archives.change_document"):
        panels.append(DocumentsOutOfStepPanel(request.user))
