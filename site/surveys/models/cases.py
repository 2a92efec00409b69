"""The case library (案例库): closed complaints reviewed by the supervisor (复盘分析，形成案例)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseReview(models.Model):
    class Cause(models.TextChoices):
        ATTITUDE = "attitude", _("staff attitude")
        DELAY = "delay", _("slow response")
        REPAIR_QUALITY = "repair_quality", _("repair quality")
        FACILITY = "facility", _("facility fault")
        COMMUNICATION = "communication", _("communication")
        NEIGHBOUR = "neighbour", _("neighbour dispute or noise")
        FEES = "fees", _("fees and billing")
        SECURITY = "security", _("security")
        CLEANING = "cleaning", _("cleaning and landscaping")
        OTHER = "other", _("other")

    ticket = models.OneToOneField("servicedesk.Ticket", on_delete=models.CASCADE, related_name="case_review",
                                  verbose_name=_("complaint"))
    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    cause = models.CharField(_("cause category"), max_length=20, choices=Cause.choices, db_index=True)
    what_was_done = models.TextField(_("what was done"), max_length=4000)
    prevention = models.TextField(_("prevention"), max_length=4000)
    lessons = models.TextField(_("lessons"), max_length=4000, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now, db_index=True)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("reviewed case")
        verbose_name_plural = _("reviewed cases")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"{self.ticket} · {self.get_cause_display()}"
