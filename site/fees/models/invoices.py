"""Invoice requests (开具发票, seed 001): a buyer's title and tax number for a payment; the desk
records the number and date once the tax system has issued the invoice. The states and who may
move between them are declared once, in ``fees.invoices.TRANSITIONS``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.models import Estate


class InvoiceRequest(models.Model):
    class BuyerType(models.TextChoices):
        PERSONAL = "personal", pgettext_lazy("invoice buyer", "personal")
        COMPANY = "company", pgettext_lazy("invoice buyer", "company")

    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("invoice state", "requested")
        ISSUED = "issued", pgettext_lazy("invoice state", "issued")
        CANCELLED = "cancelled", pgettext_lazy("invoice state", "cancelled")

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    payment = models.ForeignKey(
        "fees.Payment", on_delete=models.PROTECT, related_name="invoice_requests", verbose_name=_("payment"),
    )
    buyer_type = models.CharField(_("buyer"), max_length=10, choices=BuyerType.choices, default=BuyerType.PERSONAL)
    title = models.CharField(_("invoice title (抬头)"), max_length=100)
    tax_number = models.CharField(
        _("tax number (税号)"), max_length=18, blank=True,
        help_text=_("A company's unified social credit code: 18 characters. Not needed for a person."),
    )
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True,
    )
    invoice_no = models.CharField(_("invoice number"), max_length=20, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("issued or cancelled by"),
    )
    done_at = models.DateTimeField(_("issued or cancelled at"), null=True, blank=True)

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("invoice request")
        verbose_name_plural = _("invoices")
        ordering = ["-requested_at"]
        permissions = [("issue_invoice", _("Can record issued invoices"))]
        constraints = [
            # One live request per payment: a cancelled one may be asked for again.
            models.UniqueConstraint(
                fields=["payment"], condition=~Q(state="cancelled"), name="invoice_one_live_per_payment",
            ),
            models.UniqueConstraint(
                fields=["estate", "invoice_no"], condition=~Q(invoice_no=""), name="invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(state="issued", invoice_date__isnull=False) & ~Q(invoice_no="") | ~Q(state="issued"),
                name="invoice_issued_has_number",
            ),
        ]
        indexes = [models.Index(fields=["estate", "state"], name="invoice_estate_state_idx")]

    def __str__(self):
        return f"{self.title} ¥{self.amount}"
