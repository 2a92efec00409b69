"""Arrears cases and the chasing ladder (催缴). A chasing step is unique per (house, step, period)
so an automatic reminder is recorded once and sent once."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from fees.models.rates import period_label


class Step(models.TextChoices):
    """The chasing ladder (催缴), in order."""

    NOTICE = "notice", _("monthly fee notice")
    REMINDER = "reminder", _("reminder")
    #: The printed arrears notice (催缴通知书), handed over or posted; recorded by fees.letters.
    ARREARS_NOTICE = "arrears_notice", _("arrears notice (printed)")
    CALL = "call", _("phone call")
    VISIT = "visit", _("door visit")
    LAWYER_LETTER = "lawyer_letter", _("lawyer's letter")
    LAWSUIT = "lawsuit", _("lawsuit")


#: Ladder order: a later step is "higher" (the board shows the highest reached as current step).
STEP_ORDER = {step: i for i, step in enumerate(Step.values)}
AUTOMATIC_STEPS = (Step.NOTICE, Step.REMINDER)
MANUAL_STEPS = (Step.CALL, Step.VISIT, Step.LAWYER_LETTER, Step.LAWSUIT)


class ArrearsCase(models.Model):
    """A house's (= its household's) arrears, kept up to date by the daily sweep and by payments."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.OneToOneField(House, on_delete=models.PROTECT, related_name="arrears_case", verbose_name=_("house"))
    amount = models.DecimalField(_("amount overdue (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    months = models.PositiveSmallIntegerField(_("months overdue"), default=0, db_index=True)
    oldest_due_date = models.DateField(_("oldest unpaid due date"), null=True, blank=True)
    large_account = models.BooleanField(
        _("large account"), default=False,
        help_text=_("Floor area above the set share of the estate's managed area."),
    )
    watch_list = models.BooleanField(
        _("on the watch list"), default=False, db_index=True,
        help_text=_("Over 3 months overdue: watch the house for sale or transfer."),
    )
    current_step = models.CharField(_("current step"), max_length=20, choices=Step.choices, blank=True, db_index=True)
    next_step = models.CharField(_("proposed next step"), max_length=20, choices=Step.choices, blank=True, db_index=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    opened_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    estate_lookup = "estate"

    panels = [
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_mobile"), FieldPanel("contact_email")],
            heading=_("Who reminders go to"),
        ),
    ]

    class Meta:
        verbose_name = _("arrears case")
        verbose_name_plural = _("arrears board")
        ordering = ["-months", "-amount"]
        indexes = [models.Index(fields=["estate", "amount"], name="arrears_estate_amount_idx")]

    def __str__(self):
        return self.house.label


class ChasingStep(models.Model):
    """One rung of the ladder taken for a house: sent by Huey (notice, reminder) or done by staff.

    Automatic steps are written *before* they are sent, under the unique (house, step, period)
    key; a sweep killed half way leaves pending rows that the next sweep sends, once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NO_CONTACT = "no_contact", _("no contact on file")
        DONE = "done", _("done")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        PROMISED = "promised", _("promised to pay")
        PAID = "paid", _("paid")
        REFUSED = "refused", _("refused / disputes the fee")
        NO_ANSWER = "no_answer", _("no answer / nobody home")
        OTHER = "other", _("other")

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="chasing_steps", verbose_name=_("house"))
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    period = models.DateField(_("period"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    amount = models.DecimalField(_("amount overdue (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    months = models.PositiveSmallIntegerField(_("months overdue"), default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(_("what was said"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    done_at = models.DateTimeField(_("when"))
    message_key = models.CharField(_("message key"), max_length=200, blank=True)

    history = HistoricalRecords()

    estate_lookup = "estate"
    #: Nothing refers to a chasing step: kept out of Wagtail's reference index (see Message).
    wagtail_reference_index_ignore = True

    panels = []

    class Meta:
        verbose_name = _("chasing step")
        verbose_name_plural = _("chasing steps")
        ordering = ["-done_at"]
        permissions = [
            ("record_call", _("Can record phone calls")),
            ("record_visit", _("Can record door visits")),
            ("record_legal", _("Can record lawyer's letters and lawsuits")),
        ]
        constraints = [
            # Automatic steps are sent once per house and period; staff may call or visit often.
            models.UniqueConstraint(
                fields=["house", "step", "period"], name="chasing_step_once_per_period",
                condition=Q(step__in=["notice", "reminder"]),
            ),
        ]
        indexes = [
            models.Index(fields=["house", "done_at"], name="chasing_house_idx"),
            models.Index(fields=["estate", "period", "step"], name="chasing_estate_period_idx"),
        ]

    def __str__(self):
        return f"{self.house} {self.get_step_display()} {period_label(self.period)}"

    @property
    def is_automatic(self) -> bool:
        return self.step in AUTOMATIC_STEPS
