"""Fee runs and bills. The database keeps the books straight: a bill is unique per (house, fee
item, period) so issuing is idempotent; a bill's paid amount never exceeds its amount
(outstanding = amount − paid)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House
from simple_history.models import HistoricalRecords

from fees.models.rates import FeeItem, period_label


class FeeRun(models.Model):
    """One row per (estate, period): locked while that month's bills are issued, so two runs queue."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("estate"))
    period = models.DateField(_("period"))
    bills_issued_at = models.DateTimeField(_("bills issued at"), null=True, blank=True)
    bills_count = models.PositiveIntegerField(_("bills issued"), default=0)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        constraints = [models.UniqueConstraint(fields=["estate", "period"], name="fee_run_unique")]

    def __str__(self):
        return f"{self.estate} {period_label(self.period)}"


class Bill(models.Model):
    """What a house owes for one fee item and one period (账单). Paid + outstanding = amount."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="bills", verbose_name=_("house"))
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="bills", verbose_name=_("fee item"))
    period = models.DateField(_("period"), help_text=_("The first day of the billed month."))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    rate = models.DecimalField(_("rate (¥)"), max_digits=10, decimal_places=4)
    months = models.PositiveSmallIntegerField(_("months"), default=1)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("paid (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    due_date = models.DateField(_("due date"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["issued_at"])

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "house_id", "fee_item_id"]
        constraints = [
            models.UniqueConstraint(fields=["house", "fee_item", "period"], name="bill_unique_per_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")), name="bill_paid_within_amount",
            ),
        ]
        indexes = [
            # The listing's order within an estate (its deep pages walk this index; issue 21); its
            # prefix serves the look-ups by estate and period.
            models.Index(fields=["estate", "-period", "house", "fee_item"], name="bill_listing_idx"),
            models.Index(fields=["house", "due_date"], name="bill_house_due_idx"),
            models.Index(fields=["due_date"], name="bill_due_idx"),
        ]

    def __str__(self):
        return f"{self.house} {self.fee_item} {period_label(self.period)}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def period_display(self) -> str:
        return period_label(self.period)
