"""Payments, their allocation to bills and the receipt numbers, unique per estate."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House
from simple_history.models import HistoricalRecords

from fees.models.billing import Bill


class ReceiptCounter(models.Model):
    """The last receipt number given in an estate; locked (select_for_update) to give the next."""

    estate = models.OneToOneField(Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("estate"))
    last_no = models.PositiveIntegerField(_("last receipt number"), default=0)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self):
        return f"{self.estate}: {self.last_no}"


class Payment(models.Model):
    """Money received (收款) with its receipt (缴费凭证). Never deleted: a mistake is reversed."""

    class Method(models.TextChoices):
        CASH = "cash", _("cash")
        BANK = "bank", _("bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        OTHER = "other", _("other")

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="fee_payments", verbose_name=_("house"))
    receipt_no = models.PositiveIntegerField(_("receipt number"))
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    credit = models.DecimalField(
        _("unallocated credit (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"),
        help_text=_("The part of the payment kept as a prepayment for the house's next bills."),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.CASH)
    paid_at = models.DateTimeField(_("paid at"))
    payer = models.CharField(_("paid by"), max_length=100, blank=True)
    reference = models.CharField(_("transaction reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reversed by"),
    )
    reversal_reason = models.CharField(_("reason of the reversal"), max_length=255, blank=True)

    history = HistoricalRecords()

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-receipt_no"]
        permissions = [("reverse_payment", _("Can reverse a payment"))]
        constraints = [
            models.UniqueConstraint(fields=["estate", "receipt_no"], name="payment_receipt_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(credit__gte=0) & Q(credit__lte=F("amount")), name="payment_credit_within"),
        ]
        indexes = [
            models.Index(fields=["house", "paid_at"], name="payment_house_idx"),
            models.Index(fields=["estate", "paid_at"], name="payment_estate_idx"),
        ]

    def __str__(self):
        return f"{self.receipt_number} ¥{self.amount}"

    @property
    def receipt_number(self) -> str:
        """As printed: the estate's code and a sequential number, e.g. HYY-00000042."""
        return f"{self.estate.code}-{self.receipt_no:08d}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class PaymentAllocation(models.Model):
    """The part of a payment that settles one bill."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("payment"))
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("bill"))
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)

    estate_lookup = "payment__estate"

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "bill"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self):
        return f"{self.payment} → {self.bill}: ¥{self.amount}"
