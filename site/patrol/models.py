"""Patrol (巡查): checkpoints and their checklists, plans, rounds walked on a phone, hazards.

A checkpoint is a shared place of an estate with a checklist; a plan is a route of checkpoints
with a frequency and a time window; the periodic task creates one round per plan and due day;
a round records when each checkpoint was visited and the result of every item; a not-OK item
becomes a hazard, followed to a verified rectification (see patrol.workflow).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estatedesk.storage import private_storage
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from simple_history.models import HistoricalRecords
from wagtail.models import Orderable

User = settings.AUTH_USER_MODEL


class Checkpoint(ClusterableModel):
    """A shared facility or place that patrols check: pump room, roof, lifts, car park..."""

    class Kind(models.TextChoices):
        PUMP_ROOM = "pump_room", _("pump room")
        ROOF = "roof", _("roof")
        METER_ROOM = "meter_room", _("meter room")
        LIFT = "lift", _("lift")
        FIRE_DOOR = "fire_door", _("fire door")
        CAR_PARK = "car_park", _("car park")
        GARDEN = "garden", _("garden")
        OTHER = "other", pgettext_lazy("patrol place", "other")

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, related_name="checkpoints", verbose_name=_("estate")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("e.g. 3栋 B1 east side"))
    #: The secret of the QR label: it opens the checkpoint, and is not guessable from the id.
    token = models.UUIDField(_("label code"), default=uuid.uuid4, unique=True, editable=False)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(excluded_fields=["token"])

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["estate__code", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="checkpoint_unique_name_per_estate")]

    def __str__(self):
        return self.name


class ChecklistItem(Orderable):
    """One thing to check at a checkpoint."""

    class Category(models.TextChoices):
        EQUIPMENT = "equipment", _("equipment running")
        SAFETY = "safety", _("safety measures")
        CLEANLINESS = "cleanliness", _("cleanliness")

    checkpoint = ParentalKey(Checkpoint, on_delete=models.CASCADE, related_name="items", verbose_name=_("checkpoint"))
    text = models.CharField(_("what to check"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.EQUIPMENT)

    estate_lookup = "checkpoint__estate"

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checkpoint", "sort_order", "pk"]

    def __str__(self):
        return self.text


class PatrolPlan(ClusterableModel):
    """A route of checkpoints walked at a frequency within a daily time window."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        WEEKDAYS = "weekdays", _("on given weekdays")
        MONTHLY = "monthly", _("monthly")

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, related_name="patrol_plans", verbose_name=_("estate")
    )
    name = models.CharField(_("name"), max_length=100)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    weekdays = models.CharField(
        _("weekdays"), max_length=7, blank=True,
        help_text=_("Weekly and given weekdays: the days as digits, 1 = Monday … 7 = Sunday, e.g. 135."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True,
        help_text=_("Monthly: 1-31; a shorter month uses its last day."),
    )
    window_start = models.TimeField(_("window opens"))
    window_end = models.TimeField(_("window closes"))
    responsible_role = models.CharField(
        _("responsible role"), max_length=100, blank=True,
        help_text=_("Staff of this role in the estate walk the rounds."),
    )
    responsible_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("responsible person"),
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["estate__code", "name"]

    def __str__(self):
        return self.name


class PlanStop(Orderable):
    """A checkpoint on a plan's route, in walking order."""

    plan = ParentalKey(PatrolPlan, on_delete=models.CASCADE, related_name="stops", verbose_name=_("patrol plan"))
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("checkpoint"))

    estate_lookup = "plan__estate"

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["plan", "sort_order", "pk"]

    def __str__(self):
        return str(self.checkpoint)


class PatrolRound(models.Model):
    """One walk of a plan on one day; created by the periodic task, never twice."""

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("patrol round", "due")
        IN_PROGRESS = "in_progress", pgettext_lazy("patrol round", "in progress")
        DONE = "done", pgettext_lazy("patrol round", "done")
        MISSED = "missed", pgettext_lazy("patrol round", "missed")

    plan = models.ForeignKey(PatrolPlan, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("patrol plan"))
    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    date = models.DateField(_("date"), db_index=True)
    window_start = models.DateTimeField(_("window opens"))
    window_end = models.DateTimeField(_("window closes"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DUE, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    walked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("walked by")
    )

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        ordering = ["-date", "window_start", "pk"]
        permissions = [("walk_patrolround", _("Can walk patrol rounds"))]
        constraints = [models.UniqueConstraint(fields=["plan", "date"], name="patrol_round_once_per_plan_and_day")]

    def __str__(self):
        return f"{self.plan} {self.date:%Y-%m-%d}"

    @property
    def late(self) -> bool:
        return self.finished_at is not None and self.finished_at > self.window_end


class RoundVisit(models.Model):
    """A checkpoint done on a round: when, by whom."""

    round = models.ForeignKey(PatrolRound, on_delete=models.CASCADE, related_name="visits", verbose_name=_("patrol round"))
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="visits", verbose_name=_("checkpoint"))
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))

    estate_lookup = "round__estate"

    class Meta:
        verbose_name = _("checkpoint visit")
        verbose_name_plural = _("checkpoint visits")
        ordering = ["visited_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "checkpoint"], name="patrol_visit_once_per_round")]

    def __str__(self):
        return f"{self.checkpoint} {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class ItemCheck(models.Model):
    """The result of one checklist item on a visit."""

    visit = models.ForeignKey(RoundVisit, on_delete=models.CASCADE, related_name="checks", verbose_name=_("checkpoint visit"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist item"))
    ok = models.BooleanField(_("OK"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    estate_lookup = "visit__round__estate"

    class Meta:
        verbose_name = _("item check")
        verbose_name_plural = _("item checks")
        ordering = ["visit", "item__sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="patrol_check_once_per_visit")]

    def __str__(self):
        return f"{self.item}: {'OK' if self.ok else '×'}"


class Hazard(models.Model):
    """A hazard found on a round (or reported directly), followed to a verified rectification."""

    class Severity(models.TextChoices):
        LOW = "low", pgettext_lazy("hazard severity", "low")
        MEDIUM = "medium", pgettext_lazy("hazard severity", "medium")
        HIGH = "high", pgettext_lazy("hazard severity", "high")

    class Department(models.TextChoices):
        ENGINEERING = "engineering", _("engineering")
        SECURITY = "security", _("security")
        CLEANING = "cleaning", _("cleaning")
        LANDSCAPING = "landscaping", _("landscaping")
        CONTRACTOR = "contractor", _("outside contractor")

    class Status(models.TextChoices):
        REPORTED = "reported", pgettext_lazy("hazard", "reported")
        ASSIGNED = "assigned", pgettext_lazy("hazard", "assigned")
        RECTIFYING = "rectifying", pgettext_lazy("hazard", "rectifying")
        RECTIFIED = "rectified", pgettext_lazy("hazard", "rectified")
        VERIFIED = "verified", pgettext_lazy("hazard", "verified")

    OPEN_STATUSES = (Status.REPORTED, Status.ASSIGNED, Status.RECTIFYING)

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("estate"))
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name=_("checkpoint")
    )
    item_check = models.OneToOneField(
        ItemCheck, on_delete=models.SET_NULL, null=True, blank=True, related_name="hazard", verbose_name=_("item check")
    )
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM, db_index=True)
    department = models.CharField(
        _("responsible department"), max_length=20, choices=Department.choices, blank=True, db_index=True
    )
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assigned to")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    reported_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reported by")
    )
    #: Stored when the hazard is reported (from PATROL_RECTIFY_HOURS), so later setting changes
    #: never rewrite history.
    deadline = models.DateTimeField(_("rectification deadline"), db_index=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rectified by")
    )
    rectification = models.TextField(_("what was done"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    ticket = models.ForeignKey(
        "servicedesk.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="hazards",
        verbose_name=_("repair ticket"),
    )

    history = HistoricalRecords()

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-reported_at", "-pk"]
        permissions = [
            ("assign_hazard", _("Can assign hazards")),
            ("rectify_hazard", _("Can record hazard rectification")),
            ("verify_hazard", _("Can verify hazard rectification")),
        ]

    def __str__(self):
        return f"{self.place}: {self.description[:30]}"

    @property
    def overdue(self) -> bool:
        end = self.rectified_at or timezone.now()
        return end > self.deadline


class HazardEscalation(models.Model):
    """A late hazard's escalation level, recorded once (the sweep is level-triggered)."""

    class Level(models.IntegerChoices):
        SUPERVISOR = 1, _("supervisor")
        MANAGER = 2, _("estate manager")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("hazard"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("messages sent"), default=0)

    estate_lookup = "hazard__estate"

    class Meta:
        verbose_name = _("hazard escalation")
        verbose_name_plural = _("hazard escalations")
        constraints = [models.UniqueConstraint(fields=["hazard", "level"], name="hazard_escalated_once_per_level")]

    def __str__(self):
        return f"{self.hazard} → {self.get_level_display()}"


class PatrolPhoto(models.Model):
    """A photo of a not-OK item or of a hazard. Private: served only by patrol.views.photo_view."""

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    #: Private: no URL serves it; patrol.views serves it to the estate's staff only.
    file = models.FileField(_("photo"), upload_to="patrol/", storage=private_storage)
    content_type = models.CharField(_("type"), max_length=20)
    item_check = models.ForeignKey(
        ItemCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="photos", verbose_name=_("item check")
    )
    hazard = models.ForeignKey(
        Hazard, on_delete=models.CASCADE, null=True, blank=True, related_name="photos", verbose_name=_("hazard")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("patrol photo")
        verbose_name_plural = _("patrol photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]
