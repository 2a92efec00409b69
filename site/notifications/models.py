"""A log of every message the product sends, keyed so that nothing is ever sent twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    SMS = "sms", _("SMS")


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        #: Claimed by one worker and being handed to the provider (see notifications.services).
        SENDING = "sending", pgettext_lazy("message status", "sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        GIVEN_UP = "given_up", _("given up")
        #: The worker stopped while handing it over: it may have gone out. A person checks it
        #: with the provider; it is never resent automatically.
        UNCERTAIN = "uncertain", _("to check: outcome unknown")

    #: The idempotency key: whoever sends names the event, e.g. "loan-overdue:42:2026-11-22".
    key = models.CharField(pgettext_lazy("message", "key"), max_length=200, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    template = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("reason of the last failure"), blank=True)
    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("estate")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    estate_lookup = "estate"
    #: No page or snippet refers to a message: Wagtail's reference index (3 rows and most of the
    #: time of each send when it was indexed) is not kept for it.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="message_retry_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject or self.body[:30]}"


class OneTimeCode(models.Model):
    """A code sent by SMS to prove that a person holds a mobile: an owner signing in, an owner
    confirming a release of goods. Only its keyed hash is stored; see notifications.codes."""

    #: What the code proves, e.g. "owner-sign-in" or "release:42"; a code proves nothing else.
    purpose = models.CharField(_("purpose"), max_length=80)
    #: Whom it was sent to (the normalised mobile).
    recipient = models.CharField(_("recipient"), max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    #: Wrong guesses so far; at the limit the code is dead.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    # Sign-in and confirmation codes are not browsed in the admin: no page references them.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["purpose", "recipient", "-created_at"], name="code_lookup_idx")]

    def __str__(self):
        return f"{self.purpose} → {self.recipient}"
