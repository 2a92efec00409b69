"""Release of big items (搬迁放行): the request, the owner's confirmation, the arrears check (with
the supervisor's override), the slip with its number and the gate's pass. Every step is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

User = settings.AUTH_USER_MODEL


class Release(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("release", "requested")
        CONFIRMED = "confirmed", pgettext_lazy("release", "confirmed by the owner")
        RELEASED = "released", pgettext_lazy("release", "slip issued")
        PASSED = "passed", pgettext_lazy("release", "passed the gate")
        CANCELLED = "cancelled", pgettext_lazy("release", "cancelled")

    class Requester(models.TextChoices):
        OWNER = "owner", pgettext_lazy("household role", "owner")
        TENANT = "tenant", _("tenant")

    class Confirmation(models.TextChoices):
        SMS = "sms", _("by SMS code")
        IN_PERSON = "in_person", _("in person, ID checked")

    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey("estates.House", on_delete=models.PROTECT, related_name="releases",
                              verbose_name=_("house"))
    requester = models.CharField(_("requested by"), max_length=10, choices=Requester.choices, default=Requester.OWNER)
    requester_name = models.CharField(_("requester's name"), max_length=50)
    requester_mobile = models.CharField(_("requester's mobile"), max_length=20, blank=True)
    items = models.TextField(_("items"), help_text=_("One per line, with how many."))
    date = models.DateField(_("moving date"), db_index=True)
    carrier = models.CharField(_("carried by"), max_length=100, help_text=_("Company or person, and the vehicle plate."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    confirmation = models.CharField(_("owner's confirmation"), max_length=10, choices=Confirmation.choices, blank=True)
    confirmed_owner = models.CharField(_("confirmed by owner"), max_length=50, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmation recorded by"))
    arrears = models.DecimalField(_("arrears when released (¥)"), max_digits=12, decimal_places=2, null=True,
                                  blank=True)
    override_reason = models.CharField(_("arrears override reason"), max_length=500, blank=True)
    override_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("arrears overridden by"))
    number = models.CharField(_("slip number"), max_length=30, blank=True, db_index=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("released by"))
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)
    passed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("passed by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("recorded by"))

    history = HistoricalRecords()

    estate_lookup = "estate"
    personal_fields = ("requester_mobile",)

    class Meta:
        verbose_name = _("release of big items")
        verbose_name_plural = _("releases of big items")
        ordering = ["-date", "-pk"]
        permissions = [
            ("confirm_release", _("Can record the owner's confirmation of a release")),
            ("issue_release", _("Can issue release slips")),
            ("override_release", _("Can release despite arrears (with a reason)")),
            ("pass_release", _("Can check release slips at the gate")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], condition=~models.Q(number=""),
                                    name="release_number_unique_per_estate"),
        ]

    def __str__(self):
        return f"{self.number or self.house} {self.date:%Y-%m-%d}"
