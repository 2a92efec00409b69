"""notify(): the one way the product reaches people.

A message is recorded under its idempotency key *before* it is sent, then *claimed* by exactly
one worker before it is handed to the provider, and marked sent after, so that with any number of
workers:
- the same key never sends twice, even when a task that calls notify() runs again;
- the claim is a conditional UPDATE (pending/failed → sending): of two workers (or a worker and
  the retry sweep) only one sees its update change the row; the other sends nothing;
- a worker killed after recording but before claiming leaves a pending message, which the next
  notify() of the same key or the retry sweep claims and sends;
- a worker killed after claiming leaves a message "sending" whose outcome is unknown (the provider
  may have sent it): the retry sweep marks it *uncertain* for a person to check, never resends it;
- a failed send is kept with its reason and retried a bounded number of times.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.channels import channel_names, get_channel
from notifications.models import Message

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


@dataclass(frozen=True)
class Outgoing:
    """One message for ``notify_many``: the arguments of ``notify``."""

    to: str
    template: str
    context: dict
    channel: str
    key: str
    estate: object = None
    language: str | None = None


def notify_many(outgoing: list[Outgoing]) -> dict[str, Message]:
    """``notify`` for a batch, with the same guarantees: the keys are read and the new messages
    inserted in bulk, then each is claimed and its outcome written (two statements per message,
    against about twenty through notify() with the reference index). Returns the messages by key:
    sent, failed, or as another worker left them. A key already recorded is never rendered or
    inserted again; a pending one (left by a killed run) is sent, once."""
    if not outgoing:
        return {}
    for item in outgoing:
        if item.channel not in channel_names():
            raise ValueError(f"unknown channel {item.channel!r}")
    keys = [item.key for item in outgoing]
    known = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
    new = []
    for item in outgoing:
        if item.key in known:
            continue
        known.add(item.key)  # a key twice in the batch is one message
        subject, body = render_message(template=item.template, context=item.context, channel=item.channel,
                                       language=item.language)
        new.append(Message(key=item.key, channel=item.channel, recipient=item.to, template=item.template,
                           subject=subject, body=body, estate=item.estate))
    # A key another worker recorded in between is skipped: that worker owns its send.
    Message.objects.bulk_create(new, ignore_conflicts=True)
    messages = {m.key: m for m in Message.objects.filter(key__in=keys)}
    for message in messages.values():
        # Claimed and sent one at a time, as notify() does: a worker killed half way leaves at
        # most one message in flight (uncertain), the rest pending for the next run.
        if message.status == Message.Status.PENDING and _claim_one(message):
            if _hand_over(message):
                message.status, message.sent_at, message.last_error = Message.Status.SENT, timezone.now(), ""
            _record_outcome(message)
    return messages


def _record_outcome(message: Message) -> None:
    """The claim owner's outcome, over its own claim only (one plain statement, no ORM compile)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Message._meta.db_table)} SET {qn('status')} = %s, {qn('sent_at')} = %s, "
            f"{qn('last_error')} = %s WHERE {qn('id')} = %s AND {qn('status')} = %s",
            [message.status, connection.ops.adapt_datetimefield_value(message.sent_at), message.last_error,
             message.pk, Message.Status.SENDING],
        )


def _claim_one(message: Message) -> bool:
    """pending/failed → sending in one statement (UPDATE … RETURNING: PostgreSQL, SQLite ≥ 3.35);
    True, with the claim's fields set on ``message``, when this worker won it."""
    now = timezone.now()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Message._meta.db_table)} SET {qn('status')} = %s, {qn('claimed_at')} = %s, "
            f"{qn('attempts')} = {qn('attempts')} + 1 WHERE {qn('id')} = %s AND {qn('status')} IN (%s, %s) "
            f"RETURNING {qn('attempts')}",
            [Message.Status.SENDING, connection.ops.adapt_datetimefield_value(now), message.pk,
             Message.Status.PENDING, Message.Status.FAILED],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    message.status, message.claimed_at, message.attempts = Message.Status.SENDING, now, row[0]
    return True


def _claim(message: Message) -> bool:
    """pending/failed → sending, atomically; True when this worker won the message."""
    now = timezone.now()
    won = Message.objects.filter(
        pk=message.pk, status__in=(Message.Status.PENDING, Message.Status.FAILED)
    ).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if won:
        message.refresh_from_db(fields=["status", "claimed_at", "attempts"])
    return bool(won)


def deliver(message: Message) -> Message:
    """Claim a recorded message, send it once, record the outcome. A message another worker
    claimed (or already sent) is left alone and returned as it is in the database."""
    if not _claim(message):
        message.refresh_from_db()
        return message
    return _send_claimed(message)


def _hand_over(message: Message) -> bool:
    """Give a claimed message to the provider; on failure set its status and reason (not saved)."""
    try:
        get_channel(message.channel).send(message)
    except Exception as exc:  # any backend failure is recorded, never raised to the caller
        logger.warning("message %s failed: %s", message.key, exc)
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        limit = settings.NOTIFICATIONS_MAX_ATTEMPTS
        message.status = Message.Status.GIVEN_UP if message.attempts >= limit else Message.Status.FAILED
        return False
    return True


def _send_claimed(message: Message) -> Message:
    if _hand_over(message):
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
    # Only the claim's owner writes the outcome, and only over its own claim.
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=message.status, sent_at=message.sent_at, last_error=message.last_error
    )
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
    count = 0
    for message in due.order_by("created_at")[:500]:
        if _claim(message):  # otherwise another worker has it
            _send_claimed(message)
            count += 1
    return count
