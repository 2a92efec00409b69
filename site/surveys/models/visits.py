"""Quarterly return visits (季度回访): one per occupied household and quarter."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuarterlyVisit(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("phone")
        DOOR = "door", _("door visit")
        WECHAT = "wechat", _("WeChat")

    class Origin(models.TextChoices):
        PLAN = "plan", _("quarterly plan")
        SURVEY = "survey", _("low survey answer")

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    household = models.ForeignKey("archives.Household", on_delete=models.CASCADE, related_name="quarterly_visits",
                                  verbose_name=_("household"))
    #: The first day of the quarter; ``due_on`` its last day.
    quarter = models.DateField(_("quarter"), db_index=True)
    due_on = models.DateField(_("due on"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.PLAN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assigned to"))
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True, db_index=True)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, blank=True)
    answered_by = models.CharField(_("who answered"), max_length=50, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    remarks = models.TextField(_("owner's remarks"), blank=True, max_length=2000)
    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("ticket opened"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("quarterly return visit")
        verbose_name_plural = _("quarterly return visits")
        ordering = ["-quarter", "due_on", "pk"]
        constraints = [
            # The plan is idempotent: one visit per household and quarter, whoever plans it.
            models.UniqueConstraint(fields=["household", "quarter"], name="surveys_one_visit_per_quarter"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="surveys_visit_satisfaction_1_5"),
        ]
        permissions = [("record_quarterlyvisit", "Can record a quarterly return visit")]

    def __str__(self):
        return f"{self.quarter_label} · {self.household}"

    @property
    def quarter_label(self) -> str:
        return f"{self.quarter.year}-Q{(self.quarter.month - 1) // 3 + 1}"

    @property
    def done(self) -> bool:
        return self.visited_at is not None

    def state(self, today=None) -> str:
        """done, overdue (the quarter is over) or due."""
        if self.done:
            return "done"
        today = today or timezone.localdate()
        return "overdue" if today > self.due_on else "due"
