"""Printed paperwork of the ladder: the arrears notice (催缴通知书) and the lawyer's letter (律师函).

Each estate keeps one template per kind (letterhead, title, body with placeholders), edited by
the manager; each letter printed from it is numbered per estate, kind and year, archived as a
PDF where no URL serves it, and recorded as a step of the ladder.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House
from wagtail.admin.panels import FieldPanel, FieldRowPanel


class _NoUrlStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("private files have no URL; download them through their view")


def private_storage():
    """A configured "private" storage when there is one, else a folder beside MEDIA_ROOT that
    no URL serves. Letters carry names and debts: they are downloaded through a scoped view."""
    if "private" in getattr(settings, "STORAGES", {}):
        return storages["private"]
    media = Path(settings.MEDIA_ROOT)
    return _NoUrlStorage(location=media.with_name(media.name + "-private"))


class LetterKind(models.TextChoices):
    NOTICE = "notice", _("arrears notice")
    LAWYER_LETTER = "lawyer_letter", _("lawyer's letter")


class LetterTemplate(models.Model):
    """An estate's wording of a letter; ``{placeholders}`` are filled when a letter is printed."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    letterhead = models.CharField(_("letterhead"), max_length=100, help_text=_("The company's name."))
    letterhead_detail = models.CharField(
        _("letterhead details"), max_length=255, blank=True, help_text=_("Address, telephone."),
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Placeholders: {owner} {house} {estate} {items} {periods} {amount} {amount_in_words} "
            "{months} {number} {date} {deadline}."
        ),
    )
    signature = models.CharField(_("signed"), max_length=255, blank=True)
    days_to_pay = models.PositiveSmallIntegerField(_("days to pay"), default=15)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    estate_lookup = "estate"

    panels = [
        FieldRowPanel([FieldPanel("estate"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("letterhead"), FieldPanel("letterhead_detail")]),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("signature"), FieldPanel("days_to_pay")]),
    ]

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["estate", "kind"]
        constraints = [models.UniqueConstraint(fields=["estate", "kind"], name="letter_template_one_per_kind")]

    def __str__(self):
        return f"{self.estate} · {self.get_kind_display()}"

    def clean(self):
        from fees.letters import validate_body  # fees.letters imports these models: a cycle

        super().clean()
        validate_body(self.body)


class ArrearsLetter(models.Model):
    """One printed letter: its number, what it claimed, and the archived PDF."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="arrears_letters", verbose_name=_("house"))
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=40)
    amount = models.DecimalField(_("amount claimed (¥)"), max_digits=12, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months overdue"), default=0)
    owner = models.CharField(_("addressed to"), max_length=100, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="fees/letters/%Y/", storage=private_storage, max_length=255)
    step = models.OneToOneField(
        "fees.ChasingStep", on_delete=models.PROTECT, null=True, blank=True, related_name="letter",
        verbose_name=_("chasing step"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("printed by"),
    )
    created_at = models.DateTimeField(_("printed at"))

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("arrears letter")
        verbose_name_plural = _("arrears letters")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "kind", "year", "seq"], name="arrears_letter_number_unique"),
        ]

    def __str__(self):
        return self.number
