"""A month's notices go out through several ``deliver_steps`` tasks; each chunk is idempotent."""


import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fees import services, tasks
from fees.factories import ArrearsCaseFactory
from fees.models import ChasingStep, Step
from notifications.models import Message
from notifications.services import Outgoing, notify_many
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


def test_notify_many_sends_each_key_once_with_two_statements_a_message(sms_outbox, estate_a):
    batch = [Outgoing(to=f"1390000{i:04d}", template="fees_notice", channel="sms", key=f"k:{i}", estate=estate_a,
                      context={"estate": estate_a, "amount": 10, "months": 1, "period": "2026-01"})
             for i in range(20)]
    sms_outbox.clear()
    with CaptureQueriesContext(connection) as ctx:
        messages = notify_many(batch + batch[:3])
    assert len(sms_outbox) == 20 and {m.status for m in messages.values()} == {"sent"}
    assert len(ctx.captured_queries) <= 2 * 20 + 5
    assert notify_many(batch) and len(sms_outbox) == 20  # the same keys again: nothing sent


def test_messages_and_steps_stay_out_of_the_reference_index(estate_a, ten_houses_with_contacts, sms_outbox):
    assert not ReferenceIndex.is_indexed(Message)
    assert not ReferenceIndex.is_indexed(ChasingStep)
    before = ReferenceIndex.objects.count()
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        tasks.issue_bills(estate_a.pk, "2026-01-01")
    assert Message.objects.count() == 10
    assert ReferenceIndex.objects.count() == before
