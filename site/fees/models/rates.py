"""Fee items and their rates, the meter readings of metered items, and money rounding.

Money is ``Decimal`` everywhere (``DecimalField``), rounded to the cent with ROUND_HALF_UP.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.models import Estate, House
from wagtail.admin.panels import FieldPanel, FieldRowPanel

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round to the cent, half up (四舍五入), as receipts do."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def period_label(period) -> str:
    return f"{period:%Y-%m}" if period else ""


class FeeItem(models.Model):
    """A fee an estate charges (收费项目), e.g. 物业费 at ¥2.50 per m² per month."""

    class Kind(models.TextChoices):
        PROPERTY = "property", _("property management fee")
        PARKING = "parking", _("parking fee")
        WATER = "water", _("water")
        ELECTRICITY = "electricity", _("electricity")
        OTHER = "other", _("other")

    class Basis(models.TextChoices):
        AREA = "area", _("per m² of floor area per month")
        FIXED = "fixed", _("per house or parking space per month")
        METERED = "metered", _("per unit of metered consumption")

    class Cycle(models.IntegerChoices):
        MONTHLY = 1, _("monthly")
        QUARTERLY = 3, _("quarterly")
        HALF_YEARLY = 6, _("half-yearly")
        YEARLY = 12, _("yearly")

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="fee_items", verbose_name=_("estate"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROPERTY)
    basis = models.CharField(_("charged"), max_length=20, choices=Basis.choices, default=Basis.AREA)
    unit_label = models.CharField(
        pgettext_lazy("unit of measure", "unit"), max_length=20, blank=True, help_text=_("Shown on bills, e.g. m², 车位, 吨, 度."),
    )
    cycle = models.PositiveSmallIntegerField(
        _("billing cycle"), choices=Cycle.choices, default=Cycle.MONTHLY,
        help_text=_("Bills are issued in January and every cycle after it; a bill covers the whole cycle."),
    )
    applies_to_use = models.CharField(
        _("charged to houses used as"), max_length=20, choices=House.Use.choices, blank=True,
        help_text=_("Empty: every house of the estate. Parking fees: parking."),
    )
    days_to_pay = models.PositiveSmallIntegerField(
        _("days to pay"), default=15, help_text=_("A bill falls due this many days after its period starts."),
    )
    basis_note = models.CharField(
        _("basis of the charge"), max_length=255, blank=True,
        help_text=_("E.g. the price approval document, for the published fee standards."),
    )
    active = models.BooleanField(_("active"), default=True)

    estate_lookup = "estate"

    panels = [
        FieldPanel("estate"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("basis"), FieldPanel("unit_label"), FieldPanel("cycle")]),
        FieldRowPanel([FieldPanel("applies_to_use"), FieldPanel("days_to_pay")]),
        FieldPanel("basis_note"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["estate__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="fee_item_unique_name")]

    def __str__(self):
        return self.name

    def billed_in(self, period) -> bool:
        return (period.month - 1) % self.cycle == 0

    def rate_on(self, day) -> FeeRate | None:
        return self.rates.filter(valid_from__lte=day).order_by("-valid_from").first()


class FeeRate(models.Model):
    """The price of a fee item from a date on. Old bills keep the rate they were issued with."""

    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="rates", verbose_name=_("fee item"))
    amount = models.DecimalField(
        _("rate (¥)"), max_digits=10, decimal_places=4, validators=[MinValueValidator(Decimal("0"))],
    )
    valid_from = models.DateField(_("applies from"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    estate_lookup = "fee_item__estate"

    panels = [FieldPanel("fee_item"), FieldRowPanel([FieldPanel("amount"), FieldPanel("valid_from")]), FieldPanel("note")]

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["fee_item", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fee_item", "valid_from"], name="fee_rate_unique_start"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.fee_item} ¥{self.amount} ({self.valid_from:%Y-%m-%d})"


class MeterReading(models.Model):
    """A house's meter reading for a metered fee item and period (imported from a spreadsheet)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="meter_readings", verbose_name=_("house"))
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="readings", verbose_name=_("fee item"))
    period = models.DateField(_("period"))
    previous = models.DecimalField(_("previous reading"), max_digits=12, decimal_places=2)
    reading = models.DecimalField(_("reading"), max_digits=12, decimal_places=2)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    estate_lookup = "house__building__estate"

    panels = []

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["-period", "house"]
        constraints = [
            models.UniqueConstraint(fields=["house", "fee_item", "period"], name="meter_reading_unique"),
            models.CheckConstraint(condition=Q(reading__gte=F("previous")), name="meter_reading_not_backwards"),
        ]

    def __str__(self):
        return f"{self.house} {self.fee_item} {period_label(self.period)}: {self.reading}"

    @property
    def consumption(self) -> Decimal:
        return self.reading - self.previous
