"""Event sign-ups, satisfaction and return visits: the bulletin's estate-owned records (each
declares ``estate_lookup`` and so gets the estate policy)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from estates.personal_data import mask_mobile
from wagtail.admin.panels import FieldPanel

from bulletin.models.pages import EventPage

#: How long after an event its participants may still rate it.
FEEDBACK_WINDOW = timedelta(days=30)


class EventSignup(models.Model):
    """One household's sign-up. A mobile signs up once per event (the database says so too)."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="signups", verbose_name=_("event"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    house = models.ForeignKey("estates.House", on_delete=models.PROTECT, related_name="+", verbose_name=_("house"))
    mobile = models.CharField(_("mobile"), max_length=20)
    people = models.PositiveSmallIntegerField(_("number of people"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, db_index=True)

    estate_lookup = "event__estate"

    class Meta:
        verbose_name = _("event sign-up")
        verbose_name_plural = _("event sign-ups")
        ordering = ["event", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "mobile"], name="eventsignup_one_per_mobile"),
            models.CheckConstraint(condition=Q(people__gte=1), name="eventsignup_people_positive"),
        ]

    def __str__(self):
        return f"{self.name} · {self.event.title}"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class EventFeedback(models.Model):
    """Satisfaction after the event, one per sign-up. A score of 4 or 5 counts as satisfied."""

    SATISFIED_FROM = 4

    signup = models.OneToOneField(EventSignup, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("sign-up"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(pgettext_lazy("feedback", "comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    estate_lookup = "signup__event__estate"

    class Meta:
        verbose_name = _("event satisfaction")
        verbose_name_plural = _("event satisfaction")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="eventfeedback_score_1_5")]

    def __str__(self):
        return f"{self.signup} · {self.score}"


class EventReturnVisit(models.Model):
    """Staff called on or visited a participant after the event (target: 10 % of participants)."""

    signup = models.OneToOneField(
        EventSignup, on_delete=models.CASCADE, related_name="return_visit", verbose_name=_("sign-up")
    )
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("what they said"), blank=True)

    estate_lookup = "signup__event__estate"

    panels = [FieldPanel("signup"), FieldPanel("visited_at"), FieldPanel("note")]

    class Meta:
        verbose_name = _("event return visit")
        verbose_name_plural = _("event return visits")

    def __str__(self):
        return f"{self.signup}"
