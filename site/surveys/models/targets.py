"""Per-estate targets of the scorecard, with their history.

A target row holds from ``valid_from`` until the next row of the same estate and figure, so a
change never rewrites the past: a quarter spanning a change is judged part by part (see
surveys.scorecard). Without a row, DOMAIN.md's number (``Figure`` defaults) holds.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel


class Figure(models.TextChoices):
    REPAIR_TIMELINESS = "repair_timeliness", _("Repair timeliness")
    COMPLAINT_FEEDBACK = "complaint_feedback_timeliness", _("Complaint first-feedback timeliness")
    COMPLAINT_RESULT = "complaint_result_timeliness", _("Complaint result timeliness")
    COMPLAINT_RESOLUTION = "complaint_resolution", _("Complaint resolution rate")
    RETURN_VISIT_RATE = "return_visit_rate", _("Return-visit rate")
    SUGGESTION_REPLY = "suggestion_reply_rate", _("Suggestion reply rate")
    TICKET_SATISFACTION = "ticket_satisfaction", _("Average ticket satisfaction (1–5)")
    SURVEY_SATISFACTION = "survey_satisfaction", _("Survey satisfaction")
    VISIT_COVERAGE = "visit_coverage", _("Quarterly visit coverage")
    COLLECTION_RATE = "collection_rate", _("Fee collection rate")
    EVENT_SATISFACTION = "event_satisfaction", _("Event satisfaction")
    EVENT_RETURN_VISITS = "event_return_visit_rate", _("Event return-visit rate")


#: DOMAIN.md's numbers (percent; the ticket satisfaction is an average on 1–5). Timeliness,
#: resolution, return visits, replies and quarterly coverage: 100 %; owner satisfaction 95 %;
#: events: satisfaction 80 %, return visits 10 %. DOMAIN.md gives no collection-rate or average
#: score target: 95 % and 4.5 are our defaults, overridable per estate.
DEFAULT_TARGETS: dict[str, Decimal] = {
    Figure.REPAIR_TIMELINESS: Decimal("100"),
    Figure.COMPLAINT_FEEDBACK: Decimal("100"),
    Figure.COMPLAINT_RESULT: Decimal("100"),
    Figure.COMPLAINT_RESOLUTION: Decimal("100"),
    Figure.RETURN_VISIT_RATE: Decimal("100"),
    Figure.SUGGESTION_REPLY: Decimal("100"),
    Figure.TICKET_SATISFACTION: Decimal("4.5"),
    Figure.SURVEY_SATISFACTION: Decimal("95"),
    Figure.VISIT_COVERAGE: Decimal("100"),
    Figure.COLLECTION_RATE: Decimal("95"),
    Figure.EVENT_SATISFACTION: Decimal("80"),
    Figure.EVENT_RETURN_VISITS: Decimal("10"),
}


class EstateTarget(models.Model):
    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, related_name="+", verbose_name=_("estate"))
    figure = models.CharField(_("figure"), max_length=40, choices=Figure.choices)
    target = models.DecimalField(_("target"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)],
                                 help_text=_("In percent; the average ticket satisfaction on 1–5."))
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("set by"), editable=False)

    estate_lookup = "estate"

    panels = [FieldPanel("estate"), FieldRowPanel([FieldPanel("figure"), FieldPanel("target"), FieldPanel("valid_from")]),
              FieldPanel("note")]

    class Meta:
        verbose_name = _("estate target")
        verbose_name_plural = _("estate targets")
        ordering = ["estate", "figure", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "figure", "valid_from"], name="surveys_one_target_per_day"),
        ]
        permissions = [("view_scorecard", "Can view the scorecard")]

    def __str__(self):
        return f"{self.get_figure_display()} {self.target} ({self.valid_from:%Y-%m-%d})"
