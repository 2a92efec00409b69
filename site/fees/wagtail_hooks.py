"""The fees admin: the arrears board, bills, payments, chasing steps, fee items and rates (one
"收费 / Fees" menu group), plus the custom views of fees.views."""

from archives.admin.filters import listing_filterset
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.admin_writes import register_service_writes
from estates.menu import MENU_HOOKS, PermissionMenuItem, WorkGroupMixin
from estates.personal_data import mask_mobile
from estates.personal_views import LogShownObjectMixin
from estates.viewsets import EstateSnippetViewSet
from spreadsheets.writing import WagtailExportMixin  # the one spreadsheet writer
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, InspectView, SnippetViewSetGroup

from fees import admin_urls, desk_admin, services
from fees.forms import ArrearsCaseAdminForm
from fees.models import ArrearsCase, Bill, ChasingStep, FeeItem, FeeRate, MeterReading, Payment


def _house_url(obj):
    return reverse("fees_house", args=[obj.house_id])


class SafeExportIndexView(WagtailExportMixin, IndexView):
    """Exports through the one spreadsheet writer: formula escaping, a BOM for CSV, mobiles
    masked for roles without personal data and unmasked exports logged."""

    personal_export_fields = {"contact_mobile": mask_mobile}


class ArrearsBoardIndexView(desk_admin.BoardIndexMixin, SafeExportIndexView):
    pass


class ArrearsCaseEditView(LogShownObjectMixin, EditView):
    """The contact form shows the household's full mobile: opening it is logged."""

    personal_fields = ("contact_mobile",)


class ChasingStepInspectView(LogShownObjectMixin, InspectView):
    """A reminder's recipient is a full mobile (or email): opening it is logged."""

    personal_fields = ("recipient",)


class ArrearsBoardViewSet(EstateSnippetViewSet):
    """The arrears board: who owes, how much, for how long, what was done and what is next."""

    model = ArrearsCase
    icon = "warning"
    menu_label = _("Arrears board")
    index_view_class = ArrearsBoardIndexView
    index_template_name = "fees/arrears_board_index.html"
    edit_view_class = ArrearsCaseEditView
    #: Only houses that owe something past due; the rest keep their case (contacts) off the board.
    queryset = ArrearsCase.objects.filter(amount__gt=0).select_related("house__building", "house__fee_watch", "estate")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url),
        Column("contact_name", label=pgettext_lazy("payer", "household")),
        "amount", "months", "current_step",
        DateColumn("last_contact_at", label=_("last contact")),
        "next_step", "watch_list", desk_admin.OwnersChangedColumn("owners_changed", label=_("owners changed")),
        "large_account",
    ]
    # The list filters plus the steward's "my households" (archives.admin.filters).
    filterset_class = listing_filterset(
        ArrearsCase, ["estate", "next_step", "current_step", "watch_list", "large_account", "months"]
    )
    search_fields = ["house__room", "house__building__name", "contact_name"]
    list_export = [
        "estate", "house", "contact_name", "contact_mobile", "amount", "months", "oldest_due_date",
        "get_current_step_display", "last_contact_at", "get_next_step_display", "watch_list", "large_account",
    ]
    export_headings = {
        "estate": _("estate"), "house": _("house"), "contact_name": pgettext_lazy("payer", "household"),
        "get_current_step_display": _("current step"), "get_next_step_display": _("proposed next step"),
    }
    export_filename = "arrears-board"
    ordering = ["-months", "-amount"]
    edit_handler = ObjectList(
        [FieldPanel("contact_name"), FieldPanel("contact_mobile"), FieldPanel("contact_email")],
        base_form_class=ArrearsCaseAdminForm,
    )


class BillViewSet(EstateSnippetViewSet):
    model = Bill
    icon = "doc-full"
    index_view_class = SafeExportIndexView
    queryset = Bill.objects.select_related("house__building", "fee_item", "estate")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url), "fee_item",
        Column("period_display", label=_("period")), "amount", "paid", "due_date",
    ]
    list_filter = ["estate", "fee_item", "period", "due_date"]
    search_fields = ["house__room", "house__building__name"]
    list_export = ["estate", "house", "fee_item", "period", "quantity", "rate", "amount", "paid", "due_date"]
    export_filename = "bills"
    inspect_view_enabled = True


class PaymentViewSet(EstateSnippetViewSet):
    model = Payment
    icon = "tick"
    index_view_class = SafeExportIndexView
    queryset = Payment.objects.select_related("house__building", "estate", "operator")
    list_display = [
        TitleColumn("receipt_number", label=_("receipt number"), get_url=lambda p: reverse("fees_receipt", args=[p.pk])),
        Column("house", label=_("house")), "amount", "method",
        DateColumn("paid_at", label=_("paid at")), "operator", DateColumn("reversed_at", label=_("reversed at")),
    ]
    list_filter = ["estate", "method", "paid_at"]
    search_fields = ["house__room", "house__building__name", "payer", "reference"]
    list_export = ["estate", "receipt_number", "house", "amount", "credit", "method", "paid_at", "payer",
                   "reference", "operator", "reversed_at", "reversal_reason"]
    export_headings = {"receipt_number": _("receipt number"), "house": _("house")}
    export_filename = "payments"
    inspect_view_enabled = True


class ChasingStepViewSet(EstateSnippetViewSet):
    model = ChasingStep
    icon = "mail"
    index_view_class = SafeExportIndexView
    inspect_view_class = ChasingStepInspectView
    queryset = ChasingStep.objects.select_related("house__building", "estate", "by")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url), "step", "status", "outcome",
        DateColumn("done_at", label=_("when")), "by",
    ]
    list_filter = ["estate", "step", "status", "outcome", "period"]
    search_fields = ["house__room", "house__building__name", "note"]
    list_export = ["estate", "house", "step", "period", "status", "channel", "amount", "months", "outcome", "note", "by", "done_at"]
    export_filename = "chasing-steps"
    inspect_view_enabled = True


class FeeItemViewSet(EstateSnippetViewSet):
    model = FeeItem
    icon = "list-ul"
    queryset = FeeItem.objects.select_related("estate")
    list_display = ["name", "estate", "kind", "basis", "cycle", "applies_to_use", "active"]
    list_filter = ["estate", "kind", "active"]
    search_fields = ["name"]
    inspect_view_enabled = True


class FeeRateViewSet(EstateSnippetViewSet):
    model = FeeRate
    icon = "date"
    queryset = FeeRate.objects.select_related("fee_item__estate")
    list_display = ["fee_item", "amount", "valid_from", "note"]
    list_filter = ["fee_item__estate", "fee_item"]
    search_fields = ["fee_item__name", "note"]
    edit_handler = ObjectList(
        # The rate rules (no reaching back over issued bills) run in fees.services.fee_rate_save.
        [FieldPanel("fee_item"), FieldRowPanel([FieldPanel("amount"), FieldPanel("valid_from")]), FieldPanel("note")],
    )


class MeterReadingViewSet(EstateSnippetViewSet):
    model = MeterReading
    icon = "order"
    queryset = MeterReading.objects.select_related("house__building", "fee_item")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url), "fee_item", "period", "previous", "reading",
    ]
    list_filter = ["fee_item", "period"]
    search_fields = ["house__room", "house__building__name"]


class FeesGroup(WorkGroupMixin, SnippetViewSetGroup):
    menu_label = _("Fees")
    work_group = "fees"
    items = (
        ArrearsBoardViewSet, BillViewSet, PaymentViewSet, ChasingStepViewSet,
        FeeItemViewSet, FeeRateViewSet, MeterReadingViewSet, *desk_admin.VIEWSETS,
    )


@hooks.register("register_actions")
def register_fees_writes(registry):
    """The admin's writes of fee rates and arrears contacts go through fees.services."""
    register_service_writes(registry, FeeRate, save=services.fee_rate_save)
    register_service_writes(registry, ArrearsCase, save=services.arrears_contact_save)


@hooks.register("register_admin_urls")
def register_fees_urls():
    return [path("fees/", include(admin_urls))]


@hooks.register(MENU_HOOKS["reports"])
def collection_menu_item():
    return PermissionMenuItem(
        _("Collection rate"), reverse("fees_collection"), icon_name="table", order=30, permission="fees.view_bill",
    )


@hooks.register(MENU_HOOKS["fees"])
def readings_menu_item():
    return PermissionMenuItem(
        _("Import meter readings"), reverse("fees_readings_import"), icon_name="upload", order=60,
        permission="fees.add_meterreading",
    )


@hooks.register(MENU_HOOKS["fees"])
def publish_standards_menu_item():
    return PermissionMenuItem(
        _("Publish the fee standards"), reverse("fees_publish_standards"), icon_name="doc-full", order=61,
        permission="fees.view_feeitem",
    )


@hooks.register(MENU_HOOKS["reports"])
def ageing_menu_item():
    return PermissionMenuItem(
        _("Ageing of arrears"), reverse("fees_ageing"), icon_name="time", order=31, permission="fees.view_bill",
    )


register_snippet(FeesGroup)
