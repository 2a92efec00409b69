"""The fees admin: the arrears board, bills, payments, chasing steps, fee items and rates (one
"收费 / Fees" menu group), plus the custom views of fees.views."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from estates.personal_data import mask_mobile
from estates.scoping import EstateScopedViewSetMixin
from spreadsheets.writing import WagtailExportMixin  # the one spreadsheet writer
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from fees import views
from fees.forms import ArrearsCaseAdminForm, FeeRateAdminForm
from fees.models import ArrearsCase, Bill, ChasingStep, FeeItem, FeeRate, MeterReading, Payment


def _house_url(obj):
    return reverse("fees_house", args=[obj.house_id])


class SafeExportIndexView(WagtailExportMixin, IndexView):
    """Exports through the one spreadsheet writer: formula escaping, a BOM for CSV, mobiles
    masked for roles without personal data and unmasked exports logged."""

    personal_export_fields = {"contact_mobile": mask_mobile}


class ArrearsBoardViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    """The arrears board: who owes, how much, for how long, what was done and what is next."""

    model = ArrearsCase
    icon = "warning"
    menu_label = _("Arrears board")
    index_view_class = SafeExportIndexView
    #: Only houses that owe something past due; the rest keep their case (contacts) off the board.
    queryset = ArrearsCase.objects.filter(amount__gt=0).select_related("house__building", "estate")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url),
        Column("contact_name", label=_("household")),
        "amount", "months", "current_step",
        DateColumn("last_contact_at", label=_("last contact")),
        "next_step", "watch_list", "large_account",
    ]
    list_filter = ["estate", "next_step", "current_step", "watch_list", "large_account", "months"]
    search_fields = ["house__room", "house__building__name", "contact_name"]
    list_export = [
        "estate", "house", "contact_name", "contact_mobile", "amount", "months", "oldest_due_date",
        "get_current_step_display", "last_contact_at", "get_next_step_display", "watch_list", "large_account",
    ]
    export_headings = {
        "estate": _("estate"), "house": _("house"), "contact_name": _("household"),
        "get_current_step_display": _("current step"), "get_next_step_display": _("proposed next step"),
    }
    export_filename = "arrears-board"
    list_per_page = 50
    ordering = ["-months", "-amount"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("contact_name"), FieldPanel("contact_mobile"), FieldPanel("contact_email")],
        base_form_class=ArrearsCaseAdminForm,
    )


class BillViewSet(EstateScopedViewSetMixin, SnippetViewSet):
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
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False


class PaymentViewSet(EstateScopedViewSetMixin, SnippetViewSet):
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
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False


class ChasingStepViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = ChasingStep
    icon = "mail"
    index_view_class = SafeExportIndexView
    queryset = ChasingStep.objects.select_related("house__building", "estate", "by")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url), "step", "status", "outcome",
        DateColumn("done_at", label=_("when")), "by",
    ]
    list_filter = ["estate", "step", "status", "outcome", "period"]
    search_fields = ["house__room", "house__building__name", "note"]
    list_export = ["estate", "house", "step", "period", "status", "channel", "amount", "months", "outcome", "note", "by", "done_at"]
    export_filename = "chasing-steps"
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False


class FeeItemViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = FeeItem
    icon = "list-ul"
    queryset = FeeItem.objects.select_related("estate")
    list_display = ["name", "estate", "kind", "basis", "cycle", "applies_to_use", "active"]
    list_filter = ["estate", "kind", "active"]
    search_fields = ["name"]
    inspect_view_enabled = True


class FeeRateViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = FeeRate
    icon = "date"
    queryset = FeeRate.objects.select_related("fee_item__estate")
    list_display = ["fee_item", "amount", "valid_from", "note"]
    list_filter = ["fee_item__estate", "fee_item"]
    search_fields = ["fee_item__name", "note"]
    edit_handler = ObjectList(
        [FieldPanel("fee_item"), FieldRowPanel([FieldPanel("amount"), FieldPanel("valid_from")]), FieldPanel("note")],
        base_form_class=FeeRateAdminForm,
    )


class MeterReadingViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    model = MeterReading
    icon = "order"
    queryset = MeterReading.objects.select_related("house__building", "fee_item")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url), "fee_item", "period", "previous", "reading",
    ]
    list_filter = ["fee_item", "period"]
    search_fields = ["house__room", "house__building__name"]
    list_per_page = 50


class FeesGroup(SnippetViewSetGroup):
    menu_label = _("Fees")
    menu_icon = "doc-full"
    menu_order = 300
    items = (
        ArrearsBoardViewSet, BillViewSet, PaymentViewSet, ChasingStepViewSet,
        FeeItemViewSet, FeeRateViewSet, MeterReadingViewSet,
    )


@hooks.register("register_admin_urls")
def register_fees_urls():
    return [
        path("fees/house/<int:pk>/", views.house_fees, name="fees_house"),
        path("fees/house/<int:pk>/pay/", views.house_pay, name="fees_house_pay"),
        path("fees/house/<int:pk>/step/", views.house_step, name="fees_house_step"),
        path("fees/payment/<int:pk>/receipt/", views.receipt, name="fees_receipt"),
        path("fees/payment/<int:pk>/reverse/", views.reverse_payment, name="fees_reverse"),
        path("fees/readings/import/", views.readings_import, name="fees_readings_import"),
        path("fees/issue/", views.issue_bills, name="fees_issue"),
        path("fees/collection/", views.collection, name="fees_collection"),
        path("fees/standards/publish/", views.publish_standards, name="fees_publish_standards"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def collection_menu_item():
    return PermissionMenuItem(
        _("Collection rate"), reverse("fees_collection"), icon_name="table", order=310, permission="fees.view_bill",
    )


@hooks.register("register_admin_menu_item")
def readings_menu_item():
    return PermissionMenuItem(
        _("Import meter readings"), reverse("fees_readings_import"), icon_name="upload", order=320,
        permission="fees.add_meterreading",
    )


@hooks.register("register_admin_menu_item")
def publish_standards_menu_item():
    return PermissionMenuItem(
        _("Publish the fee standards"), reverse("fees_publish_standards"), icon_name="doc-full", order=330,
        permission="fees.view_feeitem",
    )


register_snippet(FeesGroup)
