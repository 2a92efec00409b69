"""The borrowing register (借阅登记) for keys and paper documents.

A loan names exactly one item (a key or a paper document), one borrower (a staff member or an
outside person) and walks requested → approved → out → returned (or rejected, or lost). Every
write goes through ``lending.services``; rows are never edited in a form.

One holder at a time: the partial unique constraints below allow at most one loan per key and
per document in the state OUT (handed out, not yet returned, not reported lost). Approved loans
waiting to be handed out are *not* covered: an approval is a permission to take the item, not a
reservation, so a supervisor may approve the next borrower while the item is still out; the
hand-out then fails with the current holder's name until the item is back.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel


class LendingSettings(models.Model):
    """Default loan periods of one estate (one row per estate; the defaults apply without one)."""

    DEFAULT_KEY_DUE_TIME = datetime.time(18, 0)
    DEFAULT_KEY_MIN_HOURS = 2
    DEFAULT_DOCUMENT_DAYS = 7

    estate = models.OneToOneField(
        "estates.Estate", on_delete=models.CASCADE, related_name="lending_settings", verbose_name=_("estate")
    )
    key_due_time = models.TimeField(
        _("keys are due back at"), default=DEFAULT_KEY_DUE_TIME,
        help_text=_("Keys are lent for the same day: they are due back at this time."),
    )
    key_min_hours = models.PositiveSmallIntegerField(
        _("minimum hours for a key"), default=DEFAULT_KEY_MIN_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("A key handed out late in the day is due this many hours later instead."),
    )
    document_days = models.PositiveSmallIntegerField(
        _("days for a paper document"), default=DEFAULT_DOCUMENT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    estate_lookup = "estate"

    panels = [
        FieldPanel("estate"),
        FieldRowPanel([FieldPanel("key_due_time"), FieldPanel("key_min_hours")]),
        FieldPanel("document_days"),
    ]

    class Meta:
        verbose_name = _("lending settings")
        verbose_name_plural = _("lending settings")

    def __str__(self):
        return str(_("Lending settings of %(estate)s") % {"estate": self.estate})


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("mainland resident ID card")
    PASSPORT = "passport", _("passport")
    HK_MACAO_TAIWAN = "hk_macao_taiwan_permit", _("Hong Kong / Macao / Taiwan permit")
    OTHER = "other", _("other")


class Loan(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        OUT = "out", _("handed out")
        RETURNED = "returned", _("returned")
        LOST = "lost", _("lost")
        WITHDRAWN = "withdrawn", pgettext_lazy("loan status", "withdrawn")
        LAPSED = "lapsed", pgettext_lazy("loan status", "lapsed")

    #: States in which the loan is still open (waiting or out).
    OPEN_STATES = (Status.REQUESTED, Status.APPROVED, Status.OUT)

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.PROTECT, related_name="loans", verbose_name=_("estate")
    )
    key = models.ForeignKey(
        "archives.Key", on_delete=models.PROTECT, null=True, blank=True, related_name="loans", verbose_name=_("key")
    )
    document = models.ForeignKey(
        "archives.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="loans",
        verbose_name=_("paper document"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )

    # The borrower: a staff member, or an outside person (contractor, owner's agent...).
    borrower_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="loans",
        verbose_name=_("staff borrower"),
    )
    borrower_name = models.CharField(_("borrower's name"), max_length=50, blank=True, db_index=True)
    #: Stored normalised: 11 ASCII digits.
    borrower_mobile = models.CharField(_("borrower's mobile"), max_length=20, blank=True)
    borrower_organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    borrower_id_type = models.CharField(
        _("ID document type"), max_length=30, choices=IdType.choices, default=IdType.RESIDENT_ID, blank=True
    )
    borrower_id_number = models.CharField(_("ID document number"), max_length=30, blank=True)

    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("rejected by"),
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("handed out by"),
    )
    handed_out_at = models.DateTimeField(_("handed out at"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("due back at"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("taken back by"),
    )
    return_condition = models.CharField(_("condition on return"), max_length=200, blank=True)
    lost_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("lost reported by"),
    )
    lost_reported_at = models.DateTimeField(_("lost reported at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical loan"))

    estate_lookup = "estate"
    #: Fields that hold personal data: masked for roles without ``view_personal_data``.
    personal_fields = ("borrower_mobile", "borrower_id_number")

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-requested_at"]
        permissions = [
            ("request_key_loan", _("Can request the loan of a key")),
            ("request_document_loan", _("Can request the loan of a paper document")),
            ("approve_loan", _("Can approve or reject a loan")),
            ("handle_key_loan", _("Can hand out and take back keys")),
            ("handle_document_loan", _("Can hand out and take back paper documents")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__isnull=False, document__isnull=True) | Q(key__isnull=True, document__isnull=False),
                name="loan_exactly_one_item",
            ),
            models.CheckConstraint(
                condition=Q(borrower_user__isnull=False) | ~Q(borrower_name=""),
                name="loan_has_borrower",
            ),
            models.CheckConstraint(
                condition=~Q(status="out") | Q(handed_out_at__isnull=False, due_at__isnull=False, returned_at__isnull=True),
                name="loan_out_has_dates",
            ),
            # One holder at a time (see the module docstring).
            models.UniqueConstraint(
                fields=["key"], condition=Q(key__isnull=False, status="out"), name="loan_one_open_per_key",
                violation_error_message=_("This key is already out."),
            ),
            models.UniqueConstraint(
                fields=["document"], condition=Q(document__isnull=False, status="out"),
                name="loan_one_open_per_document",
                violation_error_message=_("This paper document is already out."),
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "status", "due_at"], name="loan_board_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.item} → {self.borrower_display}"

    @property
    def item(self):
        return self.key if self.key_id else self.document

    @property
    def item_type(self) -> str:
        return "key" if self.key_id else "document"

    @property
    def borrower_display(self) -> str:
        """The borrower's name as staff say it (no personal data)."""
        if self.borrower_user_id:
            user = self.borrower_user
            return user.get_full_name() or user.get_username()
        if self.borrower_organisation:
            return f"{self.borrower_name} ({self.borrower_organisation})"
        return self.borrower_name

    def is_overdue_at(self, now: datetime.datetime) -> bool:
        return self.status == self.Status.OUT and self.due_at is not None and self.due_at < now
