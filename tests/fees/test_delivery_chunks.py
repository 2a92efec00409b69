"""A month's notices go out through several ``deliver_steps`` tasks; each chunk is idempotent."""


import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from estatedesk import sweeps
from fees import services, tasks
from fees.factories import ArrearsCaseFactory
from fees.models import ChasingStep, Step
from notifications.models import Message
from notifications.services import Outgoing, notify_many
from notifications.sms import LocmemSmsBackend, SmsError
from wagtail.models import ReferenceIndex

from tests.fees.test_ladder import at


@pytest.fixture
def ten_houses_with_contacts(make_house, property_fee):
    houses = [make_house() for _ in range(10)]
    for i, house in enumerate(houses):
        ArrearsCaseFactory(house=house, amount=0, months=0, contact_mobile=f"1380000{i:04d}")
    return houses


def test_the_monthly_run_delivers_its_notices_in_chunks_any_worker_can_take(
    estate_a, ten_houses_with_contacts, sms_outbox, monkeypatch,
):
    monkeypatch.setattr(tasks, "DELIVERY_CHUNK", 3)
    chunks = []
    real = tasks.deliver_steps.call_local
    monkeypatch.setattr(tasks, "enqueue", lambda task, ids, fallback: chunks.append(ids) or task(ids))
    sms_outbox.clear()
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        tasks.issue_bills(estate_a.pk, "2026-01-01")
    assert [len(c) for c in chunks] == [3, 3, 3, 1]
    assert len(sms_outbox) == 10 and len({m["to"] for m in sms_outbox}) == 10
    notices = ChasingStep.objects.filter(step=Step.NOTICE)
    assert set(notices.values_list("status", flat=True)) == {"sent"}
    # Each step's change is in its history, with the reason.
    assert ChasingStep.history.filter(history_type="~", history_change_reason="delivered").count() == 10

    # A chunk run again (a retried task, a second worker): nothing is sent twice.
    for chunk in chunks:
        assert real(chunk) == 0
    assert len(sms_outbox) == 10 and Message.objects.count() == 10
    assert ChasingStep.history.filter(history_type="~").count() == 10


def test_a_chunk_whose_messages_went_out_before_a_crash_marks_its_steps_and_sends_the_rest(
    estate_a, ten_houses_with_contacts, sms_outbox, monkeypatch,
):
    monkeypatch.setattr(tasks, "enqueue", lambda task, ids, fallback: None)  # the worker is down
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        tasks.issue_bills(estate_a.pk, "2026-01-01")
    ids = services.pending_step_ids(estate=estate_a)
    assert len(ids) == 10 and not sms_outbox
    first = ChasingStep.objects.get(pk=ids[0])
    # A crashed run had sent the first message but not marked its step.
    from notifications.services import notify

    notify(to=first.recipient, template="fees_notice", context={}, channel="sms", key=first.message_key)
    sms_outbox.clear()
    assert tasks.deliver_steps.call_local(ids) == 10  # 9 sent now, 1 found sent
    assert len(sms_outbox) == 9
    assert set(ChasingStep.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


def test_notify_many_sends_each_key_once_with_a_few_statements_a_batch(sms_outbox, estate_a, settings):
    settings.NOTIFICATIONS_CLAIM_BATCH = 10
    batch = [Outgoing(to=f"1390000{i:04d}", template="fees_notice", channel="sms", key=f"k:{i}", estate=estate_a,
                      context={"estate": estate_a, "amount": 10, "months": 1, "period": "2026-01"})
             for i in range(20)]
    sms_outbox.clear()
    with CaptureQueriesContext(connection) as ctx:
        statuses = notify_many(batch + batch[:3])
    assert len(sms_outbox) == 20 and set(statuses.values()) == {"sent"} and len(statuses) == 20
    # keys read, one insert, keys read again, then one claim and one outcome per batch of 10
    # (the test's transaction turns the insert's own transaction into a savepoint: not counted).
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 3 + 2 * 2, [sql[:60] for sql in statements]
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert notify_many(batch) and len(sms_outbox) == 20  # the same keys again: nothing sent


def test_messages_and_steps_stay_out_of_the_reference_index(estate_a, ten_houses_with_contacts, sms_outbox):
    assert not ReferenceIndex.is_indexed(Message)
    assert not ReferenceIndex.is_indexed(ChasingStep)
    before = ReferenceIndex.objects.count()
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        tasks.issue_bills(estate_a.pk, "2026-01-01")
    assert Message.objects.count() == 10
    assert ReferenceIndex.objects.count() == before


class WorkerKilled(BaseException):
    """The worker process dies (SIGKILL): nothing after it runs, no handler sees it."""


class DyingSms:
    """Hands over ``survives`` messages, then the worker dies inside the next send."""

    survives = 5

    def send(self, *, to, text):
        if len(LocmemSmsBackend.outbox) >= DyingSms.survives:
            raise WorkerKilled
        LocmemSmsBackend.outbox.append({"to": to, "text": text})


class RefusingSms:
    """The provider refuses one number and sends the others."""

    refused = ""

    def send(self, *, to, text):
        if to == RefusingSms.refused:
            raise SmsError("number suspended")
        LocmemSmsBackend.outbox.append({"to": to, "text": text})


def _notices_recorded(estate, monkeypatch):
    monkeypatch.setattr(tasks, "enqueue", lambda task, ids, fallback: None)  # queued, not run yet
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        tasks.issue_bills(estate.pk, "2026-01-01")
    return services.pending_step_ids(estate=estate)


def test_a_worker_killed_mid_batch_leaves_at_most_one_batch_uncertain_and_nothing_is_resent(
    estate_a, ten_houses_with_contacts, sms_outbox, monkeypatch, settings,
):
    settings.NOTIFICATIONS_CLAIM_BATCH = 4
    ids = _notices_recorded(estate_a, monkeypatch)
    sms_outbox.clear()
    settings.SMS_BACKEND = "tests.fees.test_delivery_chunks.DyingSms"
    with time_machine.travel(at(2026, 1, 1, 2) + dt.timedelta(minutes=1), tick=False), pytest.raises(WorkerKilled):
        tasks.deliver_steps.call_local(ids)  # batch 1 sent and recorded; dies in batch 2's 2nd send
    assert len(sms_outbox) == 5
    statuses = dict(Message.objects.values_list("status").annotate(n=Count("id")))
    assert statuses == {"sent": 4, "sending": 4, "pending": 2}  # one batch in flight, the rest unclaimed

    settings.SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    # The task retried at once: the batch in flight is another worker's as far as anyone knows.
    with time_machine.travel(at(2026, 1, 1, 2) + dt.timedelta(minutes=2), tick=False):
        assert tasks.deliver_steps.call_local(ids) == 6  # 4 found sent + the 2 pending
    # The next minutes' sweeps, past the 10 minutes a send may take: the batch is for a person.
    with time_machine.travel(at(2026, 1, 1, 2) + dt.timedelta(minutes=15), tick=False):
        result = sweeps.run_frequent_sweep(fees_daily=False)
        sweeps.run_frequent_sweep(fees_daily=False)
    assert result["messages_uncertain"] == 4
    recipients = [m["to"] for m in sms_outbox]
    assert len(recipients) == 7 and len(set(recipients)) == 7  # the 5th went out once, nothing resent
    uncertain = Message.objects.filter(status=Message.Status.UNCERTAIN)
    assert uncertain.count() == 4 and all(m.last_error for m in uncertain)
    assert sms_outbox[4]["to"] in set(uncertain.values_list("recipient", flat=True))
    steps = dict(ChasingStep.objects.filter(pk__in=ids).values_list("status").annotate(n=Count("id")))
    assert steps == {"sent": 6, "pending": 4}  # the uncertain ones wait for the person's check


def test_one_refused_send_in_a_batch_is_recorded_failed_for_that_message_only(
    estate_a, ten_houses_with_contacts, sms_outbox, monkeypatch, settings,
):
    ids = _notices_recorded(estate_a, monkeypatch)
    refused = ChasingStep.objects.get(pk=ids[3])
    RefusingSms.refused = refused.recipient
    settings.SMS_BACKEND = "tests.fees.test_delivery_chunks.RefusingSms"
    sms_outbox.clear()
    with time_machine.travel(at(2026, 1, 1, 2) + dt.timedelta(minutes=1), tick=False):
        assert tasks.deliver_steps.call_local(ids) == 9
    assert len(sms_outbox) == 9
    failed = Message.objects.get(key=refused.message_key)
    assert failed.status == Message.Status.FAILED and failed.attempts == 1 and failed.sent_at is None
    assert failed.last_error == "SmsError: number suspended"
    others = Message.objects.exclude(pk=failed.pk)
    assert set(others.values_list("status", "last_error")) == {("sent", "")}
    assert not others.filter(sent_at__isnull=True).exists()
    refused.refresh_from_db()
    assert refused.status == ChasingStep.Status.FAILED
    assert set(ChasingStep.objects.exclude(pk=refused.pk).filter(pk__in=ids).values_list("status", flat=True)) == {
        "sent"}
