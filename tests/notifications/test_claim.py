"""Every message is sent at most once by any number of workers: claimed before it is handed to
the provider; a send whose worker died after claiming is marked for a person, never resent."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from notifications.models import Message
from notifications.services import deliver, notify, retry_unsent
from notifications.sms import LocmemSmsBackend


class SlowSms:
    """A provider that takes a while: widens the window in which two workers could both send."""

    def send(self, *, to, text):
        time.sleep(0.02)
        LocmemSmsBackend.outbox.append({"to": to, "text": text})


def _message(key, status=Message.Status.FAILED, **fields):
    return Message.objects.create(
        key=key, channel="sms", recipient=f"1390000{key[-4:]}", template="t", body="text", status=status,
        attempts=1 if status == Message.Status.FAILED else 0, **fields,
    )


@pytest.mark.django_db
def test_a_pending_message_left_by_a_dead_run_is_sent_once_by_the_next_notify(sms_outbox):
    _message("left-0001", status=Message.Status.PENDING)
    for _ in range(2):
        message = notify(to="13900000001", template="test_message", context={}, channel="sms", key="left-0001")
    assert message.status == Message.Status.SENT
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_a_message_claimed_by_another_worker_is_not_sent(sms_outbox):
    message = _message("busy-0001", status=Message.Status.SENDING, claimed_at=timezone.now())
    assert deliver(message).status == Message.Status.SENDING
    assert retry_unsent(stale_after_minutes=0) == 0
    assert sms_outbox == []
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING  # not stale yet: its worker is still at it


@pytest.mark.django_db
def test_a_claim_older_than_any_send_becomes_uncertain_never_resent(sms_outbox):
    old = timezone.now() - timezone.timedelta(minutes=11)
    message = _message("dead-0001", status=Message.Status.SENDING, claimed_at=old)
    retry_unsent()
    retry_unsent()
    message.refresh_from_db()
    assert message.status == Message.Status.UNCERTAIN and sms_outbox == []


@pytest.mark.postgres
def test_four_workers_retrying_at_once_send_each_message_once(transactional_db, settings, sms_outbox):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    settings.SMS_BACKEND = "tests.notifications.test_claim.SlowSms"
    for n in range(40):
        _message(f"failed-{n:04d}")
    barrier = threading.Barrier(4)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            counts.append(retry_unsent())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    recipients = [sent["to"] for sent in sms_outbox]
    assert len(recipients) == 40 and len(set(recipients)) == 40  # each once
    assert sum(counts) == 40
    assert Message.objects.filter(status=Message.Status.SENT, attempts=2).count() == 40
