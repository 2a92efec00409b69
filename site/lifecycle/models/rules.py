"""What each estate sets for its desk procedures: the move-in checklist, the decoration items it
forbids or controls, the inspection interval and the arrears limit of a release."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def default_inspection_days() -> int:
    return int(getattr(settings, "LIFECYCLE_INSPECTION_INTERVAL_DAYS", 7))


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LifecycleRules(models.Model):
    estate = models.OneToOneField(
        "estates.Estate", on_delete=models.CASCADE, related_name="lifecycle_rules", verbose_name=_("estate")
    )
    movein_documents = models.TextField(
        _("documents to bring at move-in"), blank=True,
        default="身份证\n购房合同\n产权证明",
        help_text=_("One per line, e.g. ID card, purchase contract, property certificate."),
    )
    forbidden_items = models.TextField(
        _("forbidden decoration items"), blank=True,
        default="拆改承重墙\n改变外立面\n破坏防水层",
        help_text=_("One per line: work the estate never allows."),
    )
    controlled_items = models.TextField(
        _("controlled decoration items"), blank=True,
        default="改动给排水管道\n改动燃气管道\n封闭阳台",
        help_text=_("One per line: work allowed only when approved and inspected."),
    )
    inspection_interval_days = models.PositiveSmallIntegerField(
        _("inspection interval (days)"), default=default_inspection_days, validators=[MinValueValidator(1)],
    )
    release_arrears_limit = models.DecimalField(
        _("arrears limit for a release (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
        help_text=_("Big items are not released while the house owes more than this (overdue bills)."),
    )

    history = HistoricalRecords()

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("desk procedure rules")
        verbose_name_plural = _("desk procedure rules")
        ordering = ["estate__code"]

    def __str__(self):
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate) -> "LifecycleRules":
        """The estate's rules; an estate without a row gets the defaults (not saved)."""
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)
