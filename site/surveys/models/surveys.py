"""A satisfaction survey (满意度调查): its questions, one response per household, the answers."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel

#: An answer of 4 or 5 counts as satisfied (DOMAIN.md: satisfaction % = answers of 4–5 / all answers).
SATISFIED_FROM = 4
#: An answer of 1 or 2 is low: it can open a complaint or a return visit in one click.
LOW_UP_TO = 2


class Area(models.TextChoices):
    """The service areas owners rate (per area results)."""

    CUSTOMER_SERVICE = "customer_service", _("customer service")
    REPAIRS = "repairs", _("repairs")
    SECURITY = "security", _("security")
    CLEANING = "cleaning", _("cleaning")
    LANDSCAPING = "landscaping", _("landscaping")
    FEES = "fees", pgettext_lazy("survey area", "fees")
    GENERAL = "general", _("overall")


class Survey(ClusterableModel):
    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="surveys",
                               verbose_name=_("estate"))
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"), default=timezone.localdate)
    closes_at = models.DateTimeField(
        _("closes at"), help_text=_("Owners may answer, and change their answers, until then."))
    target = models.DecimalField(
        _("satisfaction target (%)"), max_digits=5, decimal_places=2, default=Decimal("95.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    estate_lookup = "estate"

    panels = [
        FieldPanel("estate"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_at"), FieldPanel("target")]),
        FieldPanel("intro"),
        InlinePanel("questions", label=_("questions"), min_num=1),
    ]

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.closes_at and self.opens_on and timezone.localdate(self.closes_at) < self.opens_on:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return timezone.localdate(now) >= self.opens_on and now < self.closes_at


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("rating 1–5")
        YES_NO = "yes_no", _("yes / no")
        TEXT = "text", _("free text")

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATING)
    area = models.CharField(_("service area"), max_length=20, choices=Area.choices, default=Area.GENERAL)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)

    estate_lookup = "survey__estate"

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("area"), FieldPanel("required")]), FieldPanel("text")]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class Response(models.Model):
    class Channel(models.TextChoices):
        LINK = "link", _("owner's link")
        PHONE = "phone", _("phone")
        DOOR = "door", _("door visit")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    household = models.ForeignKey("archives.Household", on_delete=models.CASCADE, related_name="survey_responses",
                                  verbose_name=_("household"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("answered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))

    estate_lookup = "survey__estate"

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            # One answer per household: two concurrent submits cannot both insert.
            models.UniqueConstraint(fields=["survey", "household"], name="surveys_one_response_per_household"),
        ]

    def __str__(self):
        return f"{self.survey} · {self.household}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    yes_no = models.BooleanField(_("yes / no"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True, max_length=2000)
    #: The one-click follow-ups of a low answer (each made once).
    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("complaint opened"))
    visit = models.ForeignKey("surveys.QuarterlyVisit", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("return visit planned"))

    estate_lookup = "response__survey__estate"

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveys_one_answer_per_question"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="surveys_answer_rating_1_5"),
        ]

    def __str__(self):
        return str(self.question)

    @property
    def is_low(self) -> bool:
        return self.rating is not None and self.rating <= LOW_UP_TO
