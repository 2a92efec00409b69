"""Decoration (装修): the application, the supervisor's approval and permit, inspections with
photos, violations followed to a verified rectification, acceptance and the deposit's refund.

The deposit itself (money received and refunded) lives in the fees app (``fees.Deposit``).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estatedesk.storage import private_storage
from simple_history.models import HistoricalRecords

User = settings.AUTH_USER_MODEL


class Decoration(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("decoration", "applied")
        APPROVED = "approved", pgettext_lazy("decoration", "approved, works allowed")
        STOPPED = "stopped", pgettext_lazy("decoration", "work stopped")
        ACCEPTED = "accepted", pgettext_lazy("decoration", "accepted")
        CLOSED = "closed", pgettext_lazy("decoration", "deposit settled")
        REJECTED = "rejected", pgettext_lazy("decoration", "rejected")

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey("estates.House", on_delete=models.PROTECT, related_name="decorations",
                              verbose_name=_("house"))
    owner_name = models.CharField(pgettext_lazy("household role", "owner"), max_length=50)
    owner_mobile = models.CharField(_("owner's mobile"), max_length=20)
    contractor = models.CharField(_("contractor"), max_length=100)
    contractor_contact = models.CharField(_("contractor's site manager"), max_length=50, blank=True)
    contractor_mobile = models.CharField(_("site manager's mobile"), max_length=20, blank=True)
    workers = models.TextField(_("workers"), blank=True, help_text=_("One per line: name and trade."))
    scope = models.TextField(_("scope of the works"))
    #: The estate's controlled items this application includes (chosen from the estate's rules).
    controlled_items = models.JSONField(_("controlled items included"), default=list, blank=True)
    start = models.DateField(_("works start"))
    end = models.DateField(_("works end"))
    deposit_amount = models.DecimalField(_("deposit (¥)"), max_digits=10, decimal_places=2,
                                         validators=[MinValueValidator(0)])
    deposit = models.OneToOneField("fees.Deposit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="decoration", verbose_name=_("deposit receipt"))
    agreement = models.ForeignKey("archives.Document", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("signed decoration agreement"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED,
                              db_index=True)
    permit_no = models.CharField(_("permit number"), max_length=30, blank=True)
    inspection_interval_days = models.PositiveSmallIntegerField(_("inspection interval (days)"), default=7)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("accepted by"))
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))

    history = HistoricalRecords()

    estate_lookup = "estate"
    personal_fields = ("owner_mobile", "contractor_mobile")

    class Meta:
        verbose_name = _("decoration")
        verbose_name_plural = _("decorations")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("approve_decoration", _("Can approve decorations and settle their deposit")),
            ("inspect_decoration", _("Can record decoration inspections and violations")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="decoration_end_after_start"),
        ]

    def __str__(self):
        return f"{self.house} {self.contractor}"


class DecorationInspection(models.Model):
    """An inspection planned at the estate's interval, then recorded on site."""

    decoration = models.ForeignKey(Decoration, on_delete=models.CASCADE, related_name="inspections",
                                   verbose_name=_("decoration"))
    planned_on = models.DateField(_("planned on"), db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("inspected by"))
    ok = models.BooleanField(_("no problem found"), null=True)
    notes = models.TextField(_("notes"), blank=True)

    estate_lookup = "decoration__estate"

    class Meta:
        verbose_name = _("decoration inspection")
        verbose_name_plural = _("decoration inspections")
        ordering = ["decoration", "planned_on", "pk"]

    def __str__(self):
        return f"{self.decoration} {self.planned_on:%Y-%m-%d}"


class DecorationViolation(models.Model):
    """A rule broken, the action taken, followed like a patrol hazard to a verified rectification."""

    class Action(models.TextChoices):
        WARNING = "warning", _("warning")
        STOP_WORK = "stop_work", _("stop work")
        RECTIFY = "rectify", _("rectify by a date")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("violation", "open")
        RECTIFIED = "rectified", pgettext_lazy("violation", "rectified")
        VERIFIED = "verified", pgettext_lazy("violation", "verified")

    decoration = models.ForeignKey(Decoration, on_delete=models.CASCADE, related_name="violations",
                                   verbose_name=_("decoration"))
    inspection = models.ForeignKey(DecorationInspection, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="violations", verbose_name=_("decoration inspection"))
    rule = models.CharField(_("rule broken"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.WARNING)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    found_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("found by"))
    rectification = models.TextField(_("what was done"), blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("rectified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("verified by"))

    history = HistoricalRecords()

    estate_lookup = "decoration__estate"

    class Meta:
        verbose_name = _("decoration violation")
        verbose_name_plural = _("decoration violations")
        ordering = ["-found_at", "-pk"]

    def __str__(self):
        return f"{self.decoration}: {self.rule}"


class DecorationPhoto(models.Model):
    """A photo of an inspection. Private: served only by lifecycle.views.decoration.photo_view."""

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    inspection = models.ForeignKey(DecorationInspection, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="photos", verbose_name=_("decoration inspection"))
    file = models.FileField(_("photo"), upload_to="lifecycle/", storage=private_storage)
    content_type = models.CharField(_("type"), max_length=20)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("decoration photo")
        verbose_name_plural = _("decoration photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]
