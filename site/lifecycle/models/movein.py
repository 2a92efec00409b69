"""Move-in (入住): the appointment, its pack, the desk's clocks and the keys handed over.

The limits of the two clocks (waiting ≤ 15 min, handling ≤ 30 min) are stored on the
appointment when it is booked, so the report never recomputes history from today's settings.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

User = settings.AUTH_USER_MODEL


def wait_limit() -> int:
    return int(getattr(settings, "LIFECYCLE_MOVEIN_WAIT_MINUTES", 15))


def handle_limit() -> int:
    return int(getattr(settings, "LIFECYCLE_MOVEIN_HANDLE_MINUTES", 30))


class MoveIn(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", pgettext_lazy("move-in", "booked")
        ARRIVED = "arrived", pgettext_lazy("move-in", "arrived")
        IN_PROGRESS = "in_progress", pgettext_lazy("move-in", "being handled")
        DONE = "done", pgettext_lazy("move-in", "done")
        CANCELLED = "cancelled", pgettext_lazy("move-in", "cancelled")

    class Slot(models.TextChoices):
        MORNING = "am", _("morning (9:00-12:00)")
        AFTERNOON = "pm", _("afternoon (14:00-17:30)")

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey("estates.House", on_delete=models.PROTECT, related_name="moveins", verbose_name=_("house"))
    owner_name = models.CharField(pgettext_lazy("household role", "owner"), max_length=50)
    owner_mobile = models.CharField(_("owner's mobile"), max_length=20)
    owner_id_number = models.CharField(_("owner's ID document number"), max_length=30, blank=True)
    date = models.DateField(_("date"), db_index=True)
    slot = models.CharField(_("time slot"), max_length=2, choices=Slot.choices, default=Slot.MORNING)
    #: The estate's checklist when booked; ``documents_checked`` is what the desk saw.
    documents = models.JSONField(_("documents to bring"), default=list, blank=True)
    documents_checked = models.JSONField(_("documents checked"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED, db_index=True)
    #: The secret of the pack link sent to the owner.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pack_sent_at = models.DateTimeField(_("pack sent at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    started_at = models.DateTimeField(_("handling started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("handling ended at"), null=True, blank=True)
    wait_limit_minutes = models.PositiveSmallIntegerField(_("waiting limit (minutes)"), default=wait_limit)
    handle_limit_minutes = models.PositiveSmallIntegerField(_("handling limit (minutes)"), default=handle_limit)
    household = models.ForeignKey(
        "archives.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("household file"),
    )
    bills_issued = models.PositiveSmallIntegerField(_("first bills issued"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    booked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("booked by"))
    handled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("handled by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["token"])

    estate_lookup = "estate"
    personal_fields = ("owner_mobile", "owner_id_number")

    class Meta:
        verbose_name = _("move-in")
        verbose_name_plural = _("move-ins")
        ordering = ["-date", "slot", "pk"]
        permissions = [
            ("handle_movein", _("Can record move-in arrival and handling")),
            ("complete_movein", _("Can complete a move-in (household file, keys, first bills)")),
        ]
        indexes = [models.Index(fields=["estate", "date"], name="movein_estate_date_idx")]

    def __str__(self):
        return f"{self.house} {self.date:%Y-%m-%d}"

    @property
    def wait_minutes(self) -> float | None:
        if self.arrived_at and self.started_at:
            return (self.started_at - self.arrived_at).total_seconds() / 60
        return None

    @property
    def handle_minutes(self) -> float | None:
        if self.started_at and self.ended_at:
            return (self.ended_at - self.started_at).total_seconds() / 60
        return None


class MoveInKey(models.Model):
    """A key handed to the owner at move-in, by its tag code."""

    movein = models.ForeignKey(MoveIn, on_delete=models.CASCADE, related_name="keys", verbose_name=_("move-in"))
    tag = models.CharField(_("tag code"), max_length=30)
    opens = models.CharField(_("what it opens"), max_length=100, blank=True)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)

    estate_lookup = "movein__estate"

    class Meta:
        verbose_name = _("key handed over")
        verbose_name_plural = _("keys handed over")
        ordering = ["movein", "tag"]

    def __str__(self):
        return self.tag
