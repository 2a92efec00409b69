"""Deposits held for a house (a decoration deposit, 装修押金): received with a receipt from the
estate's receipt counter, refunded once, minus deductions each with its reason."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House
from simple_history.models import HistoricalRecords

from fees.models.payments import Payment


class Deposit(models.Model):
    class Purpose(models.TextChoices):
        DECORATION = "decoration", _("decoration deposit")

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="deposits", verbose_name=_("house"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.DECORATION)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    #: From the estate's receipt counter, shared with payments: one series of receipt numbers.
    receipt_no = models.PositiveIntegerField(_("receipt number"))
    method = models.CharField(_("method"), max_length=10, choices=Payment.Method.choices, default=Payment.Method.CASH)
    payer = models.CharField(_("paid by"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("paid at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("received by"))
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refunded_amount = models.DecimalField(_("refunded (¥)"), max_digits=12, decimal_places=2, null=True, blank=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("refunded by"))

    history = HistoricalRecords()

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "receipt_no"], name="deposit_receipt_unique_per_estate"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__isnull=True) | (Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount"))),
                name="deposit_refund_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.receipt_number} ¥{self.amount}"

    @property
    def receipt_number(self) -> str:
        return f"{self.estate.code}-{self.receipt_no:08d}"

    @property
    def deducted(self) -> Decimal:
        return sum((d.amount for d in self.deductions.all()), Decimal("0.00"))


class DepositDeduction(models.Model):
    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="deductions", verbose_name=_("deposit"))
    reason = models.CharField(_("reason"), max_length=200)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)

    estate_lookup = "deposit__estate"

    class Meta:
        verbose_name = _("deposit deduction")
        verbose_name_plural = _("deposit deductions")
        ordering = ["deposit", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_deduction_positive")]

    def __str__(self):
        return f"{self.reason} ¥{self.amount}"
