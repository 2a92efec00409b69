"""notify(): the one way the product reaches people.

A message is recorded under its idempotency key *before* it is sent and marked sent after, so:
- the same key never sends twice, even when a task that calls notify() runs again;
- a worker killed between recording and sending leaves a pending message, which the retry task
  sends later (at-least-once for that narrow window, never a silent loss);
- a failed send is kept with its reason and retried a bounded number of times.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Channel, Message
from notifications.sms import get_sms_backend

logger = logging.getLogger(__name__)


def render_message(*, template: str, context: dict, channel: str, language: str | None = None) -> tuple[str, str]:
    """Render ``notifications/<template>.txt``; its first line is the subject, the rest the text."""
    with translation.override(language or settings.LANGUAGE_CODE):
        rendered = render_to_string(f"notifications/{template}.txt", {**context, "channel": channel})
    subject, _, body = rendered.strip().partition("\n")
    return subject.strip(), body.strip()


def notify(
    *, to: str, template: str, context: dict, channel: str, key: str,
    estate=None, language: str | None = None,
) -> Message:
    """Send once per key. Returns the message record (sent, failed, or already there)."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    subject, body = render_message(template=template, context=context, channel=channel, language=language)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key, channel=channel, recipient=to, template=template,
                subject=subject, body=body, estate=estate,
            )
    except IntegrityError:
        # Another worker recorded the same key first: it owns the send.
        return Message.objects.get(key=key)
    deliver(message)
    return message


def deliver(message: Message) -> Message:
    """Try to send a recorded message once; record the outcome."""
    message.attempts += 1
    try:
        if message.channel == Channel.EMAIL:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        else:
            text = f"{message.subject} {message.body}".strip() if message.subject else message.body
            get_sms_backend().send(to=message.recipient, text=text)
    except Exception as exc:  # any backend failure is recorded, never raised to the caller
        logger.warning("message %s failed: %s", message.key, exc)
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        limit = settings.NOTIFICATIONS_MAX_ATTEMPTS
        message.status = Message.Status.GIVEN_UP if message.attempts >= limit else Message.Status.FAILED
    else:
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    message.save(update_fields=["attempts", "status", "last_error", "sent_at"])
    return message


def retry_unsent(*, stale_after_minutes: int = 5) -> int:
    """Send again what failed, and what was recorded but never sent (its worker died)."""
    cutoff = timezone.now() - timezone.timedelta(minutes=stale_after_minutes)
    due = Message.objects.filter(status=Message.Status.FAILED) | Message.objects.filter(
        status=Message.Status.PENDING, created_at__lt=cutoff
    )
    count = 0
    for message in due.order_by("created_at")[:500]:
        deliver(message)
        count += 1
    return count
