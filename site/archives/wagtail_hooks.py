"""Admin of the archives: one "档案 / Archives" menu group.

The household screen is the whole file: its people and vehicles inline, its keys and documents
listed with links, a link to its history. Personal data is masked for roles without
``estates.view_personal_data`` in listings, inspect views, forms and history; every unmasked
display is logged.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.admin_writes import register_service_writes
from estates.menu import MENU_HOOKS, PermissionMenuItem, WorkGroupMixin
from estates.roles import STEWARD
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from archives import admin_urls, services
from archives.admin.bulk_actions import AssignStewardBulkAction
from archives.admin.columns import MaskedColumn, OwnersColumn
from archives.admin.filters import DocumentFilterSet, HouseholdFilterSet
from archives.admin.house_chooser import house_chooser_viewset
from archives.admin.panels import HouseholdRecordsPanel, PeopleInlinePanel
from archives.admin.views import (
    ArchiveEditView,
    ArchiveInspectView,
    DocumentInspectView,
    HouseholdEditView,
    HouseholdIndexView,
    HouseholdInspectView,
    PersonEditView,
    PersonIndexView,
    PersonInspectView,
    RedirectingHistoryView,
    _index_view,
)
from archives.forms import HouseholdForm, KeyForm, PersonForm
from archives.models import Document, Household, Key, Person, Vehicle
from archives.panels import DocumentsOutOfStepPanel
from archives.services import ARCHIVE_MODELS


class HouseholdViewSet(EstateSnippetViewSet):
    model = Household
    icon = "home"
    menu_label = _("Household files")
    list_display = [
        "__str__",
        Column("estate", label=_("estate"), accessor="house.building.estate"),
        OwnersColumn("owners", label=_("owners")),
        Column("people_count", label=_("people"), accessor=lambda h: len(h.people.all())),
        Column("vehicles", label=_("vehicles"), accessor=lambda h: ", ".join(v.plate for v in h.vehicles.all() if v.active)),
        Column("steward", label=_("steward"), accessor=lambda h: h.steward and (h.steward.get_full_name() or h.steward.username)),
        "updated_at",
    ]
    # By building and unit, by steward and "my households" (see archives.admin.filters).
    filterset_class = HouseholdFilterSet
    search_fields = ["house__room", "house__unit", "house__building__name", "people__name", "vehicles__plate"]
    inspect_view_enabled = True
    index_view_class = HouseholdIndexView
    edit_view_class = HouseholdEditView
    inspect_view_class = HouseholdInspectView
    history_view_class = RedirectingHistoryView
    queryset = Household.objects.select_related("house__building__estate", "steward").prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("role", "name")), "vehicles"
    )
    inspect_view_fields = ["house", "notes", "created_at", "updated_at"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("house", widget=house_chooser_viewset.widget_class), FieldPanel("notes")], heading=_("House"),
            ),
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


class PersonViewSet(EstateSnippetViewSet):
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
    inspect_view_enabled = True
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


class VehicleViewSet(EstateSnippetViewSet):
    model = Vehicle
    icon = "site"
    menu_label = _("Vehicles")
    list_display = [
        "plate", Column("household", label=_("household"), accessor="household"), "vehicle_type", "colour",
        "parking_space", "permit_number", "permit_valid_to", "active",
    ]
    list_filter = ["household__house__building__estate", "household__house__building", "vehicle_type", "active"]
    search_fields = ["plate", "parking_space", "permit_number", "household__house__room", "household__people__name"]
    inspect_view_enabled = True
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


class KeyViewSet(EstateSnippetViewSet):
    model = Key
    icon = "key"
    menu_label = _("Keys")
    list_display = ["tag", Column("opens", label=_("opens")), "cabinet", "slot", "copies", "status", "estate"]
    list_filter = ["estate", "status", "opens_house__building", "cabinet"]
    search_fields = ["tag", "opens_room", "cabinet", "slot", "opens_house__room", "opens_house__building__name", "notes"]
    inspect_view_enabled = True
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


class DocumentViewSet(EstateSnippetViewSet):
    model = Document
    icon = "doc-full"
    menu_label = pgettext_lazy("archive", "Documents")
    list_display = [
        "title", "reference", "category", "year", "confidentiality",
        Column("paper", label=_("paper copy"), accessor=lambda d: " / ".join(p for p in (d.cabinet, d.box) if p)),
        "is_out", Column("household", label=_("household"), accessor="household"), "estate",
    ]
    filterset_class = DocumentFilterSet
    search_fields = ["title", "reference", "cabinet", "box", "household__house__room", "notes"]
    inspect_view_enabled = True
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


class ArchivesGroup(WorkGroupMixin, SnippetViewSetGroup):
    menu_label = _("Archives")
    work_group = "archives"
    items = (HouseholdViewSet, PersonViewSet, VehicleViewSet, KeyViewSet, DocumentViewSet)


@hooks.register(MENU_HOOKS["archives"])
def register_deleted_records_menu_item():
    return PermissionMenuItem(
        _("Deleted records"), reverse("archives_deleted"), icon_name="bin", order=900,
        permission=[f"archives.{action}_{name}" for name in ARCHIVE_MODELS for action in ("view", "add", "change")],
    )


@hooks.register("register_actions")
def register_archive_writes(registry):
    """The admin's create, edit and delete of every archive record go through archives.services."""
    for model in ARCHIVE_MODELS.values():
        register_service_writes(registry, model, save=services.record_save, delete=services.record_delete)


@hooks.register("register_admin_urls")
def register_archives_urls():
    return [path("archives/", include(admin_urls))]


register_snippet(ArchivesGroup)

hooks.register("register_bulk_action", AssignStewardBulkAction)


class _StewardMenuItem(MenuItem):
    """Shown by role, not by permission: every role that reads households holds the same
    permissions, but only stewards look after households of their own."""

    def is_shown(self, request):
        return request.user.groups.filter(name=STEWARD).exists()


@hooks.register(MENU_HOOKS["archives"])
def workbench_menu_item():
    return _StewardMenuItem(_("My households"), reverse("archives_workbench"), icon_name="user", order=0, name="my-households")


@hooks.register("construct_homepage_panels")
def add_documents_out_of_step_panel(request, panels):
    if request.user.has_perm("archives.view_document") or request.user.has_perm("archives.change_document"):
        panels.append(DocumentsOutOfStepPanel(request.user))


@hooks.register("register_admin_viewset")
def register_house_chooser():
    return house_chooser_viewset
