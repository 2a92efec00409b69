"""notify(): the one way the product reaches people.

A message is recorded under its idempotency key *before* it is sent, then *claimed* by exactly
one worker before it is handed to the provider, and marked sent after, so that with any number of
workers:
- the same key never sends twice, even when a task that calls notify() runs again;
- the claim is a conditional UPDATE (pending/failed → sending), of up to
  ``NOTIFICATIONS_CLAIM_BATCH`` messages at once (notifications.batches): of two workers (or a
  worker and the retry sweep) only one sees its update change a row; the other sends nothing;
- a worker killed after recording but before claiming leaves a pending message, which the next
  notify() of the same key or the retry sweep claims and sends;
- a worker killed after claiming leaves its batch "sending", outcome unknown (the provider may
  have sent some of it): the retry sweep marks it *uncertain* for a person to check, never
  resends it. A killed worker so leaves at most one batch uncertain;
- a failed send is kept with its reason and retried a bounded number of times.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.batches import RETRYABLE, Outgoing, Renderer, notify_many, send_in_batches
from notifications.channels import channel_names
from notifications.models import Message

__all__ = ["Outgoing", "deliver", "mark_uncertain", "notify", "notify_many", "render_message", "retry_unsent"]

logger = logging.getLogger(__name__)


def render_message(*, template: str, context: dict, channel: str, language: str | None = None) -> tuple[str, str]:
    """Render ``notifications/<template>.txt`` in ``language``: the batches' renderer, for one message."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return Renderer().render(template=template, context=context, channel=channel)


def notify(
    *, to: str, template: str, context: dict, channel: str, key: str,
    estate=None, language: str | None = None,
) -> Message:
    """Send once per key. Returns the message record (sent, failed, or already there)."""
    if channel not in channel_names():
        raise ValueError(f"unknown channel {channel!r}")
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        if existing.status == Message.Status.PENDING:
            # Recorded by a run that stopped before sending it: claimed, so sent at most once.
            deliver(existing)
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
    """Claim a recorded message, send it once, record the outcome. A message another worker
    claimed (or already sent) is left alone and returned as it is in the database."""
    if not send_in_batches([message], claimable=RETRYABLE):
        message.refresh_from_db()
    return message


def mark_uncertain(*, stale_after_minutes: int) -> int:
    """Messages claimed longer ago than any send takes: their worker died while handing them
    over. They may have gone out, so they are marked for a person to check, not resent."""
    cutoff = timezone.now() - timezone.timedelta(minutes=stale_after_minutes)
    stale = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=cutoff)
    count = stale.update(
        status=Message.Status.UNCERTAIN,
        last_error=gettext("The worker stopped while sending: check with the provider whether it was sent."),
    )
    if count:
        logger.warning("%d message(s) marked uncertain: their worker stopped while sending", count)
    return count


def retry_unsent(*, stale_after_minutes: int = 5, in_flight_minutes: int = 10) -> int:
    """Send again what failed, and what was recorded but never claimed (its worker died); mark
    what was claimed but never finished as uncertain. Each message is claimed before it is sent,
    so any number of sweeps and workers running at once send it at most once."""
    mark_uncertain(stale_after_minutes=in_flight_minutes)
    cutoff = timezone.now() - timezone.timedelta(minutes=stale_after_minutes)
    due = Message.objects.filter(status=Message.Status.FAILED) | Message.objects.filter(
        status=Message.Status.PENDING, created_at__lt=cutoff
    )
    # Claimed in batches: what another worker holds is skipped, so each is sent at most once.
    return send_in_batches(list(due.order_by("created_at")[:500]), claimable=RETRYABLE)
