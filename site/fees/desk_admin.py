"""Admin of the fee desk's paperwork and reports: invoices, letters and their templates, the
watch list, the ageing report, and the arrears board's large accounts. Registered from
fees.wagtail_hooks (viewsets in the Fees group, URLs and menu items)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from estates.scoping import scope_queryset
from estates.viewsets import EstateSnippetViewSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn

from fees import ladder
from fees.models import ArrearsCase
from fees.models.invoices import InvoiceRequest
from fees.models.letters import ArrearsLetter, LetterTemplate
from fees.models.watch import HouseWatch


def _house_url(obj):
    return reverse("fees_house", args=[obj.house_id])


class BoardIndexMixin:
    """The arrears board also shows the large-account share and the large accounts in arrears,
    and the watched houses whose owners changed."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["large_share"] = (ladder.large_account_share() * 100).normalize()
        context["large_accounts"] = list(
            scope_queryset(ArrearsCase.objects.filter(large_account=True, amount__gt=0), user)
            .select_related("house__building").order_by("-months", "-amount")[:100]
        )
        context["owners_changed"] = list(
            scope_queryset(HouseWatch.objects.filter(active=True, changed_at__isnull=False), user)
            .select_related("house__building").order_by("-changed_at")[:50]
        )
        return context


class OwnersChangedColumn(Column):
    """On the board: "new owner" when a watched house changed hands (from the watch row)."""

    def get_value(self, instance):
        watch = getattr(instance.house, "fee_watch", None)
        return _("new owner") if watch is not None and watch.active and watch.changed_at else ""


class InvoiceRequestViewSet(EstateSnippetViewSet):
    model = InvoiceRequest
    icon = "doc-full-inverse"
    menu_label = _("Invoices")
    queryset = InvoiceRequest.objects.select_related("payment__estate", "payment__house__building", "estate")
    list_display = [
        TitleColumn("title", label=_("invoice title (抬头)"), get_url=lambda i: reverse("fees_receipt", args=[i.payment_id])),
        "buyer_type", "tax_number", "amount", "state", "invoice_no", "invoice_date",
        DateColumn("requested_at", label=_("requested at")),
    ]
    list_filter = ["estate", "state", "buyer_type"]
    search_fields = ["title", "tax_number", "invoice_no"]
    list_export = ["estate", "payment", "buyer_type", "title", "tax_number", "amount", "state", "invoice_no",
                   "invoice_date", "requested_at", "done_at", "note"]
    export_filename = "invoices"
    inspect_view_enabled = True


class ArrearsLetterViewSet(EstateSnippetViewSet):
    model = ArrearsLetter
    icon = "mail"
    menu_label = _("Arrears letters")
    queryset = ArrearsLetter.objects.select_related("house__building", "estate", "created_by")
    list_display = [
        TitleColumn("number", label=_("number"), get_url=lambda letter: reverse("fees_letter_pdf", args=[letter.pk])),
        "kind", Column("house", label=_("house")), "owner", "amount", "months",
        DateColumn("created_at", label=_("printed at")), "created_by",
    ]
    list_filter = ["estate", "kind", "year"]
    search_fields = ["number", "owner", "house__room", "house__building__name"]


class LetterTemplateViewSet(EstateSnippetViewSet):
    model = LetterTemplate
    icon = "edit"
    menu_label = _("Letter templates")
    queryset = LetterTemplate.objects.select_related("estate")
    list_display = ["__str__", "title", "letterhead", DateColumn("updated_at", label=_("updated at"))]
    list_filter = ["estate", "kind"]


class HouseWatchViewSet(EstateSnippetViewSet):
    model = HouseWatch
    icon = "view"
    menu_label = _("Watch list")
    queryset = HouseWatch.objects.filter(active=True).select_related("house__building", "estate")
    list_display = [
        TitleColumn("house", label=_("house"), get_url=_house_url), "owners", "new_owners",
        DateColumn("started_at", label=_("watched since")), DateColumn("changed_at", label=_("owners changed at")),
    ]
    list_filter = ["estate"]
    search_fields = ["house__room", "house__building__name", "owners", "new_owners"]


VIEWSETS = (InvoiceRequestViewSet, ArrearsLetterViewSet, LetterTemplateViewSet, HouseWatchViewSet)
