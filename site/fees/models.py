"""Fee items and their rates, bills, payments and receipts, arrears cases and the chasing ladder.

Money is ``Decimal`` everywhere (``DecimalField``), rounded to the cent with ROUND_HALF_UP.
The database keeps the books straight: a bill is unique per (house, fee item, period) so issuing
is idempotent; a bill's paid amount never exceeds its amount (outstanding = amount − paid);
receipt numbers are unique per estate; a chasing step is unique per (house, step, period) so an
automatic reminder is recorded once and sent once.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

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
        _("unit"), max_length=20, blank=True, help_text=_("Shown on bills, e.g. m², 车位, 吨, 度."),
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


class FeeRun(models.Model):
    """One row per (estate, period): locked while that month's bills are issued, so two runs queue."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("estate"))
    period = models.DateField(_("period"))
    bills_issued_at = models.DateTimeField(_("bills issued at"), null=True, blank=True)
    bills_count = models.PositiveIntegerField(_("bills issued"), default=0)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        constraints = [models.UniqueConstraint(fields=["estate", "period"], name="fee_run_unique")]

    def __str__(self):
        return f"{self.estate} {period_label(self.period)}"


class Bill(models.Model):
    """What a house owes for one fee item and one period (账单). Paid + outstanding = amount."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="bills", verbose_name=_("house"))
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="bills", verbose_name=_("fee item"))
    period = models.DateField(_("period"), help_text=_("The first day of the billed month."))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    rate = models.DecimalField(_("rate (¥)"), max_digits=10, decimal_places=4)
    months = models.PositiveSmallIntegerField(_("months"), default=1)
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("paid (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    due_date = models.DateField(_("due date"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["issued_at"])

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-period", "house_id", "fee_item_id"]
        constraints = [
            models.UniqueConstraint(fields=["house", "fee_item", "period"], name="bill_unique_per_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")), name="bill_paid_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "period"], name="bill_estate_period_idx"),
            models.Index(fields=["house", "due_date"], name="bill_house_due_idx"),
            models.Index(fields=["due_date"], name="bill_due_idx"),
        ]

    def __str__(self):
        return f"{self.house} {self.fee_item} {period_label(self.period)}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def period_display(self) -> str:
        return period_label(self.period)


class ReceiptCounter(models.Model):
    """The last receipt number given in an estate; locked (select_for_update) to give the next."""

    estate = models.OneToOneField(Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("estate"))
    last_no = models.PositiveIntegerField(_("last receipt number"), default=0)

    estate_lookup = "estate"

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self):
        return f"{self.estate}: {self.last_no}"


class Payment(models.Model):
    """Money received (收款) with its receipt (缴费凭证). Never deleted: a mistake is reversed."""

    class Method(models.TextChoices):
        CASH = "cash", _("cash")
        BANK = "bank", _("bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        OTHER = "other", _("other")

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="fee_payments", verbose_name=_("house"))
    receipt_no = models.PositiveIntegerField(_("receipt number"))
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    credit = models.DecimalField(
        _("unallocated credit (¥)"), max_digits=12, decimal_places=2, default=Decimal("0.00"),
        help_text=_("The part of the payment kept as a prepayment for the house's next bills."),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.CASH)
    paid_at = models.DateTimeField(_("paid at"))
    payer = models.CharField(_("paid by"), max_length=100, blank=True)
    reference = models.CharField(_("transaction reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reversed by"),
    )
    reversal_reason = models.CharField(_("reason of the reversal"), max_length=255, blank=True)

    history = HistoricalRecords()

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-receipt_no"]
        permissions = [("reverse_payment", _("Can reverse a payment"))]
        constraints = [
            models.UniqueConstraint(fields=["estate", "receipt_no"], name="payment_receipt_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(credit__gte=0) & Q(credit__lte=F("amount")), name="payment_credit_within"),
        ]
        indexes = [
            models.Index(fields=["house", "paid_at"], name="payment_house_idx"),
            models.Index(fields=["estate", "paid_at"], name="payment_estate_idx"),
        ]

    def __str__(self):
        return f"{self.receipt_number} ¥{self.amount}"

    @property
    def receipt_number(self) -> str:
        """As printed: the estate's code and a sequential number, e.g. HYY-00000042."""
        return f"{self.estate.code}-{self.receipt_no:08d}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class PaymentAllocation(models.Model):
    """The part of a payment that settles one bill."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("payment"))
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("bill"))
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)

    estate_lookup = "payment__estate"

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "bill"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self):
        return f"{self.payment} → {self.bill}: ¥{self.amount}"


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


# The fee desk's paperwork and watch list live in their own modules (imported here so that Django
# registers them with this app).
from fees.models_invoices import InvoiceRequest  # noqa: E402, F401
from fees.models_letters import ArrearsLetter, LetterTemplate  # noqa: E402, F401
from fees.models_watch import HouseWatch  # noqa: E402, F401
