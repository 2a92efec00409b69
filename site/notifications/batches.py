"""Messages sent in batches: claimed N at a time in one statement, outcomes written in one.

The rule of ``notifications.services`` holds: a message is claimed (pending/failed → sending)
before it is handed to the provider, and only the claim's owner writes its outcome. Claiming one
message per statement made each send wait for two commits (on PostgreSQL, two WAL flushes); here
up to ``settings.NOTIFICATIONS_CLAIM_BATCH`` messages (default 100) are claimed by one UPDATE …
RETURNING, handed over one by one, and their outcomes written by one UPDATE. The price, accepted
by the operations rule: a worker killed while sending leaves at most **one batch** "sending",
which the retry sweep marks *uncertain* for a person to check after 10 minutes and never resends
(some of it may have gone out). What was not claimed yet stays pending and is sent by the next
run; what was recorded before the kill is final.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation

from notifications.channels import channel_names, get_channel
from notifications.models import Message

logger = logging.getLogger("notifications.services")

#: Statuses a new send may claim, and those the retry sweep may claim.
NEW = (Message.Status.PENDING,)
RETRYABLE = (Message.Status.PENDING, Message.Status.FAILED)


def claim_batch_size() -> int:
    return max(1, int(getattr(settings, "NOTIFICATIONS_CLAIM_BATCH", 100)))


class Renderer:
    """Renders ``notifications/<template>.txt`` (first line the subject, the rest the text); each
    template is looked up once per renderer, i.e. once per batch, not once per message."""

    def __init__(self):
        self._templates = {}

    def render(self, *, template: str, context: dict, channel: str) -> tuple[str, str]:
        compiled = self._templates.get(template)
        if compiled is None:
            backend_template = get_template(f"notifications/{template}.txt")
            compiled = self._templates[template] = (backend_template.template,
                                                    backend_template.backend.engine.autoescape)
        tpl, autoescape = compiled
        # As render_to_string renders it (same escaping), without the lookup and wrapping each time.
        rendered = tpl.render(Context({**context, "channel": channel}, autoescape=autoescape))
        subject, _, body = rendered.strip().partition("\n")
        return subject.strip(), body.strip()


@dataclass(frozen=True)
class Outgoing:
    """One message for ``notify_many``: the arguments of ``notify``. ``estate`` is an Estate or
    its id (a caller that reads its rows as values need not build the object)."""

    to: str
    template: str
    context: dict
    channel: str
    key: str
    estate: object = None
    language: str | None = None


_INSERT_FIELDS = ("key", "channel", "recipient", "template", "subject", "body", "status", "attempts",
                  "last_error", "estate_id", "created_at")


def notify_many(outgoing: list[Outgoing]) -> dict[str, str]:
    """``notify`` for a batch, with the same guarantees: the keys are read and the new messages
    inserted in bulk, then claimed in batches (one statement per batch), handed to their channel
    and their outcomes written (one statement per batch). Returns each key's status after the
    call: sent, failed or given up by this call, or as it already was (another worker's claim:
    "sending"; a pending message that another worker claimed first stays "pending" here). A key
    already recorded is never rendered or inserted again; a pending one (left by a killed run)
    is sent, once."""
    if not outgoing:
        return {}
    for item in outgoing:
        if item.channel not in channel_names():
            raise ValueError(f"unknown channel {item.channel!r}")
    keys = list(dict.fromkeys(item.key for item in outgoing))  # a key twice in the batch is one message
    known = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
    renderer, now = Renderer(), timezone.now()
    new: dict[str, Message] = {}
    by_language = defaultdict(list)
    for item in outgoing:
        if item.key not in known and item.key not in new:
            new[item.key] = None
            by_language[item.language or settings.LANGUAGE_CODE].append(item)
    for language, items in by_language.items():
        with translation.override(language):  # once per language, not per message
            for item in items:
                subject, body = renderer.render(template=item.template, context=item.context, channel=item.channel)
                new[item.key] = Message(
                    key=item.key, channel=item.channel, recipient=item.to, template=item.template, subject=subject,
                    body=body, estate_id=getattr(item.estate, "pk", item.estate), created_at=now,
                )
    _insert_ignoring_conflicts(list(new.values()))
    # A key another worker recorded in between was skipped by the insert: that worker owns it.
    current = {key: (pk, status) for pk, key, status in
               Message.objects.filter(key__in=keys).values_list("pk", "key", "status")}
    statuses = {key: status for key, (_pk, status) in current.items()}
    to_send = []
    for key, (pk, status) in current.items():
        if status != Message.Status.PENDING:
            continue
        message = new.get(key)
        if message is None:  # recorded by a run that stopped before sending it
            message = Message.objects.get(pk=pk)
        message.pk = pk
        to_send.append(message)
    send_in_batches(to_send, claimable=NEW)
    statuses.update({message.key: message.status for message in to_send})
    return statuses


def _insert_ignoring_conflicts(messages: list[Message]) -> None:
    """INSERT the new rows in one executemany; a key already there (another worker's) is skipped."""
    if not messages:
        return
    qn, ops = connection.ops.quote_name, connection.ops
    fields = [Message._meta.get_field(name) for name in _INSERT_FIELDS]
    sql = (f"INSERT INTO {qn(Message._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({qn('key')}) DO NOTHING")
    created = ops.adapt_datetimefield_value(messages[0].created_at)
    rows = [
        (m.key, m.channel, m.recipient, m.template, m.subject, m.body, Message.Status.PENDING, 0, "", m.estate_id,
         created)
        for m in messages
    ]
    # One transaction: in autocommit mode each row of an executemany would be its own commit.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def send_in_batches(messages: list[Message], *, claimable=RETRYABLE) -> int:
    """Claim, hand over and close ``messages`` (saved rows), ``claim_batch_size()`` at a time;
    returns how many this worker won (and so handed over). Each won message's ``status`` (and
    attempts, sent_at, last_error) is set to what was recorded; one it did not win keeps the
    fields it had."""
    size, won = claim_batch_size(), 0
    channels = {}
    for start in range(0, len(messages), size):
        batch = messages[start:start + size]
        claimed = _claim_batch([m.pk for m in batch], claimable)
        outcomes = []
        for message in batch:
            if message.pk not in claimed:
                continue  # another worker has it, or it is no longer claimable
            message.status, message.claimed_at, message.attempts = Message.Status.SENDING, claimed[message.pk][1], \
                claimed[message.pk][0]
            channel = channels.get(message.channel)
            if channel is None:
                channel = channels[message.channel] = get_channel(message.channel)
            hand_over(message, channel)
            outcomes.append(message)
        _record_outcomes(outcomes)
        won += len(outcomes)
    return won


def hand_over(message: Message, channel=None) -> bool:
    """Give a claimed message to the provider and set its outcome on it (not saved): sent, or
    failed (given up at the attempt limit) with the reason. Never raises for a provider error."""
    try:
        (channel or get_channel(message.channel)).send(message)
    except Exception as exc:  # any backend failure is recorded, never raised to the caller
        logger.warning("message %s failed: %s", message.key, exc)
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        limit = settings.NOTIFICATIONS_MAX_ATTEMPTS
        message.status = Message.Status.GIVEN_UP if message.attempts >= limit else Message.Status.FAILED
        return False
    message.status, message.sent_at, message.last_error = Message.Status.SENT, timezone.now(), ""
    return True


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _claim_batch(ids: list[int], claimable) -> dict[int, tuple[int, object]]:
    """claimable → sending for the ids, in one committed statement; returns {id: (attempts,
    claimed_at)} of those this worker won. On PostgreSQL the rows are locked with SKIP LOCKED, so
    two workers claiming overlapping batches never wait on (or deadlock with) each other: a row
    the other holds is skipped, and is no longer claimable once it commits. SQLite has one writer
    at a time."""
    if not ids:
        return {}
    now = timezone.now()
    qn = connection.ops.quote_name
    table, pk, status = qn(Message._meta.db_table), qn("id"), qn("status")
    where = f"{pk} IN ({_in(ids)}) AND {status} IN ({_in(claimable)})"
    if connection.vendor == "postgresql":
        where = f"{pk} IN (SELECT {pk} FROM {table} WHERE {where} FOR UPDATE SKIP LOCKED)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {status} = %s, {qn('claimed_at')} = %s, {qn('attempts')} = {qn('attempts')} + 1 "
            f"WHERE {where} RETURNING {pk}, {qn('attempts')}",
            [Message.Status.SENDING, connection.ops.adapt_datetimefield_value(now), *ids, *claimable],
        )
        return {row[0]: (row[1], now) for row in cursor.fetchall()}


def _record_outcomes(messages: list[Message]) -> None:
    """The claim owner's outcomes of one batch, over its own claims only, in one statement: all
    sent (the usual case), or a CASE naming the failed ones with their reasons."""
    if not messages:
        return
    qn, ops = connection.ops.quote_name, connection.ops
    table, pk, status = qn(Message._meta.db_table), qn("id"), qn("status")
    failed = [m for m in messages if m.status != Message.Status.SENT]
    sent_at = ops.adapt_datetimefield_value(next((m.sent_at for m in messages if m.sent_at), timezone.now()))
    if failed:
        when = " ".join(["WHEN %s THEN %s"] * len(failed))
        assignments = (f"{status} = CASE {pk} {when} ELSE %s END, "
                       f"{qn('sent_at')} = CASE {pk} {' '.join(['WHEN %s THEN NULL'] * len(failed))} ELSE %s END, "
                       f"{qn('last_error')} = CASE {pk} {when} ELSE %s END")
        params = [*(v for m in failed for v in (m.pk, m.status)), Message.Status.SENT,
                  *(m.pk for m in failed), sent_at,
                  *(v for m in failed for v in (m.pk, m.last_error)), ""]
    else:
        assignments = f"{status} = %s, {qn('sent_at')} = %s, {qn('last_error')} = %s"
        params = [Message.Status.SENT, sent_at, ""]
    ids = [m.pk for m in messages]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} IN ({_in(ids)}) AND {status} = %s",
                       [*params, *ids, Message.Status.SENDING])
