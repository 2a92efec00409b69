"""Tickets of the service desk (报事报修 / 投诉 / 建议 / 咨询) and the clocks they run on.

The promised times of DOMAIN.md live in ``ServiceClockSettings`` (one row per estate, defaults
below). At intake every deadline is computed and stored as a ``TicketClock`` row, with the number
of hours it was opened under: later changes of the settings never rewrite history, and the KPIs
are read from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estatedesk.storage import private_storage
from estates.personal_data import validate_mobile
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

#: Field name → default hours (DOMAIN.md "The service desk").
DEFAULT_CLOCK_HOURS = {
    "repair_respond_hours": 24,
    "repair_finish_hours": 48,
    "repair_return_visit_hours": 24,
    "complaint_record_hours": 1,
    "complaint_takeover_hours": 1,
    "complaint_feedback_hours": 24,
    "complaint_result_hours": 72,
    "complaint_return_visit_hours": 72,
    "suggestion_answer_hours": 72,
    "enquiry_answer_hours": 1,
}


def _hours_field(label, default):
    return models.PositiveIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(24 * 90)],
        help_text=_("Hours."),
    )


class ServiceClockSettings(models.Model):
    """The service promises of one estate. Tickets keep the numbers they were opened under."""

    estate = models.OneToOneField(
        "estates.Estate", on_delete=models.CASCADE, related_name="service_clock_settings",
        verbose_name=_("estate"),
    )
    repair_respond_hours = _hours_field(_("repair: respond within"), 24)
    repair_finish_hours = _hours_field(_("repair: finish within"), 48)
    repair_return_visit_hours = _hours_field(_("repair: return visit within (after completion)"), 24)
    complaint_record_hours = _hours_field(_("complaint: record within"), 1)
    complaint_takeover_hours = _hours_field(_("major/urgent complaint: supervisor takes over within"), 1)
    complaint_feedback_hours = _hours_field(_("complaint: first feedback within"), 24)
    complaint_result_hours = _hours_field(_("complaint: result within"), 72)
    complaint_return_visit_hours = _hours_field(_("complaint: return visit within (after the result)"), 72)
    suggestion_answer_hours = _hours_field(_("suggestion: answer within"), 72)
    enquiry_answer_hours = _hours_field(_("enquiry: answer within"), 1)

    estate_lookup = "estate"

    panels = [
        FieldPanel("estate"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("repair_respond_hours"), FieldPanel("repair_finish_hours")]),
            FieldPanel("repair_return_visit_hours"),
        ], heading=_("Repairs")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("complaint_record_hours"), FieldPanel("complaint_takeover_hours")]),
            FieldRowPanel([FieldPanel("complaint_feedback_hours"), FieldPanel("complaint_result_hours")]),
            FieldPanel("complaint_return_visit_hours"),
        ], heading=_("Complaints")),
        FieldRowPanel([FieldPanel("suggestion_answer_hours"), FieldPanel("enquiry_answer_hours")]),
    ]

    class Meta:
        verbose_name = _("service clock settings")
        verbose_name_plural = _("service clock settings")

    def __str__(self):
        return str(self.estate)


class Ticket(models.Model):
    class Kind(models.TextChoices):
        REPAIR = "repair", pgettext_lazy("servicedesk", "repair")
        COMPLAINT = "complaint", pgettext_lazy("servicedesk", "complaint")
        SUGGESTION = "suggestion", pgettext_lazy("servicedesk", "suggestion")
        ENQUIRY = "enquiry", pgettext_lazy("servicedesk", "enquiry")

    class Severity(models.TextChoices):
        GENERAL = "general", pgettext_lazy("servicedesk", "general")
        MAJOR = "major", pgettext_lazy("servicedesk", "major")
        URGENT = "urgent", pgettext_lazy("servicedesk", "urgent")

    class Channel(models.TextChoices):
        PHONE = "phone", pgettext_lazy("servicedesk", "phone")
        WALK_IN = "walk_in", pgettext_lazy("servicedesk", "walk-in")
        WECHAT = "wechat", pgettext_lazy("servicedesk", "WeChat")
        PATROL = "patrol", pgettext_lazy("servicedesk", "patrol")
        WEB = "web", pgettext_lazy("servicedesk", "owner's web form")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("servicedesk", "new")
        DISPATCHED = "dispatched", pgettext_lazy("servicedesk", "dispatched")
        IN_PROGRESS = "in_progress", pgettext_lazy("servicedesk", "in progress")
        DONE = "done", pgettext_lazy("servicedesk", "done")
        VISITED = "visited", pgettext_lazy("servicedesk", "return visit made")
        CLOSED = "closed", pgettext_lazy("servicedesk", "closed")

    #: Letter of the ticket number per kind: R-HYY-20261122-0001.
    NUMBER_PREFIX = {"repair": "R", "complaint": "C", "suggestion": "S", "enquiry": "E"}
    OPEN_STATUSES = (Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS)

    number = models.CharField(_("ticket number"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, blank=True, db_index=True,
        help_text=_("Complaints only."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("estate")
    )
    house = models.ForeignKey(
        "estates.House", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("house"),
    )
    shared_area = models.CharField(
        _("shared area"), max_length=200, blank=True,
        help_text=_("When the matter is not in a house: lobby, lift, garage, garden..."),
    )
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_mobile = models.CharField(_("contact mobile"), max_length=20, validators=[validate_mobile])
    #: Where the owner's step notices go by email (owners.services fills it from the sign-in).
    contact_email = models.EmailField(_("contact email"), blank=True)
    #: The repair category chosen at intake (models_routing): dispatch proposes its assignee.
    category = models.ForeignKey(
        "servicedesk.RepairCategory", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("repair category"),
    )
    description = models.TextField(_("description"))
    photo = models.ImageField(_("photo"), upload_to="servicedesk/%Y/%m/", blank=True, storage=private_storage)
    expected_at = models.DateTimeField(_("owner's expected time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="handled_tickets", verbose_name=_("handler"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_tickets", verbose_name=_("maintenance person"),
    )
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    result = models.TextField(_("result / answer"), blank=True)
    adopted = models.BooleanField(_("suggestion adopted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    #: The promised hours of the estate at intake (see DEFAULT_CLOCK_HOURS), kept for the clocks
    #: that start later (return visit, a reopened completion clock).
    clock_hours = models.JSONField(_("promised hours at intake"), default=dict, editable=False)

    history = HistoricalRecords(excluded_fields=["photo"])

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("dispatch_ticket", _("Can dispatch tickets and hand them over")),
            ("progress_ticket", _("Can start and finish tickets")),
            ("visit_ticket", _("Can record return visits and close tickets")),
            ("takeover_ticket", _("Can take over major and urgent complaints")),
            ("view_servicedesk_kpi", _("Can see and export the service desk KPIs")),
        ]
        indexes = [
            models.Index(fields=["estate", "status"], name="ticket_estate_status_idx"),
            models.Index(fields=["handler", "status"], name="ticket_handler_status_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def place(self) -> str:
        return self.house.label if self.house_id else self.shared_area

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def needs_return_visit(self) -> bool:
        return self.kind in (self.Kind.REPAIR, self.Kind.COMPLAINT)


class TicketClock(models.Model):
    """One promise of one ticket: when it started, when it is due, when it was kept."""

    class Kind(models.TextChoices):
        RESPOND = "respond", pgettext_lazy("servicedesk", "respond")
        FINISH = "finish", pgettext_lazy("servicedesk", "finish")
        RECORD = "record", pgettext_lazy("servicedesk", "record")
        TAKEOVER = "takeover", pgettext_lazy("servicedesk", "supervisor takeover")
        FEEDBACK = "feedback", pgettext_lazy("servicedesk", "first feedback")
        RESULT = "result", pgettext_lazy("servicedesk", "result")
        ANSWER = "answer", pgettext_lazy("servicedesk", "answer")
        RETURN_VISIT = "return_visit", pgettext_lazy("servicedesk", "return visit")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("ticket"))
    kind = models.CharField(_("clock"), max_length=20, choices=Kind.choices)
    #: 1 for the first run; a reopened ticket gets a new finish/result clock with cycle 2, 3...
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    hours = models.PositiveIntegerField(_("promised hours"))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    met_at = models.DateTimeField(_("kept at"), null=True, blank=True, db_index=True)
    #: A clock that no longer applies (superseded by a reopening); never escalated, not counted.
    cancelled = models.BooleanField(_("cancelled"), default=False)

    estate_lookup = "ticket__estate"

    class Meta:
        verbose_name = _("ticket clock")
        verbose_name_plural = _("ticket clocks")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "cycle"], name="ticket_clock_unique"),
        ]
        indexes = [models.Index(fields=["met_at", "due_at"], name="clock_open_due_idx")]

    def __str__(self):
        return f"{self.ticket.number} {self.get_kind_display()}"

    @property
    def is_late(self) -> bool:
        moment = self.met_at or timezone.now()
        return moment > self.due_at

    @property
    def remaining(self):
        """Time left (positive) or time over (negative), against now or the moment it was kept."""
        return self.due_at - (self.met_at or timezone.now())


class ClockEscalation(models.Model):
    """A level of escalation done for a clock: 1 handler, 2 supervisor, 3 estate manager.

    Recorded after every recipient's message has been recorded (each under its own unique key),
    so a run killed half way is completed by the next run without sending anything twice.
    """

    class Level(models.IntegerChoices):
        HANDLER = 1, pgettext_lazy("servicedesk", "handler")
        SUPERVISOR = 2, pgettext_lazy("servicedesk", "supervisor")
        MANAGER = 3, pgettext_lazy("servicedesk", "estate manager")

    clock = models.ForeignKey(TicketClock, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("clock"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("messages"), default=0)

    estate_lookup = "clock__ticket__estate"

    class Meta:
        verbose_name = _("clock escalation")
        verbose_name_plural = _("clock escalations")
        constraints = [models.UniqueConstraint(fields=["clock", "level"], name="clock_escalation_unique")]

    def __str__(self):
        return f"{self.clock} → {self.get_level_display()}"


class TicketEvent(models.Model):
    """The step log: who did what to a ticket, and when."""

    class Action(models.TextChoices):
        INTAKE = "intake", pgettext_lazy("servicedesk", "recorded")
        DISPATCH = "dispatch", pgettext_lazy("servicedesk", "dispatched")
        TAKEOVER = "takeover", pgettext_lazy("servicedesk", "taken over")
        FEEDBACK = "feedback", pgettext_lazy("servicedesk", "feedback given")
        START = "start", pgettext_lazy("servicedesk", "started")
        DONE = "done", pgettext_lazy("servicedesk", "done")
        RETURN_VISIT = "return_visit", pgettext_lazy("servicedesk", "return visit")
        CLOSE = "close", pgettext_lazy("servicedesk", "closed")
        REOPEN = "reopen", pgettext_lazy("servicedesk", "reopened")
        HANDOVER = "handover", pgettext_lazy("servicedesk", "handed over")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket"))
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    estate_lookup = "ticket__estate"

    class Meta:
        verbose_name = _("ticket step")
        verbose_name_plural = _("ticket steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.ticket.number} {self.get_action_display()}"


class ReturnVisit(models.Model):
    """A return visit (回访): quality, attitude and satisfaction, and whether the owner confirms."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="return_visits", verbose_name=_("ticket"))
    clock = models.OneToOneField(
        TicketClock, on_delete=models.SET_NULL, null=True, blank=True, related_name="return_visit",
        verbose_name=_("clock"),
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(pgettext_lazy("feedback", "comment"), blank=True)
    owner_confirmed = models.BooleanField(_("owner confirms"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    estate_lookup = "ticket__estate"

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.ticket.number} {self.satisfaction}/5"


class ShiftHandover(models.Model):
    """Open tickets passed from one handler to the next at a shift change (交接班)."""

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.CASCADE, related_name="shift_handovers", verbose_name=_("estate")
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    tickets = models.ManyToManyField(Ticket, related_name="handovers", verbose_name=_("tickets passed"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    estate_lookup = "estate"

    panels = [FieldPanel("estate"), FieldPanel("from_user"), FieldPanel("to_user"), FieldPanel("note")]

    class Meta:
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.from_user} → {self.to_user} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


# Routing and photos live in their own module (this one stays under ~400 lines); imported here so
# that `from servicedesk.models import RepairCategory` and the migrations see them.
from servicedesk.models_routing import RepairCategory, TicketPhoto  # noqa: E402

__all__ = [
    "DEFAULT_CLOCK_HOURS", "ServiceClockSettings", "Ticket", "TicketClock", "ClockEscalation", "TicketEvent",
    "ReturnVisit", "ShiftHandover", "RepairCategory", "TicketPhoto",
]
