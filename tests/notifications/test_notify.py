import pytest
import time_machine
from django.core import mail
from estatedesk.tasks import frequent_sweep
from notifications.models import Message
from notifications.services import notify, retry_unsent
from notifications.sms import LocmemSmsBackend

pytestmark = pytest.mark.django_db


class BrokenSms:
    def send(self, *, to, text):
        raise ConnectionError("gateway down")


def test_sms_is_rendered_recorded_and_sent(sms_outbox):
    message = notify(to="13800138000", template="test_message", context={"name": "张三"}, channel="sms", key="k1")
    assert message.status == Message.Status.SENT and message.sent_at is not None
    assert len(sms_outbox) == 1
    assert sms_outbox[0]["to"] == "13800138000"
    assert "张三" in sms_outbox[0]["text"]
    assert "测试" in message.subject  # rendered in Chinese, the default language


def test_email_goes_through_django_mail(mailoutbox):
    notify(to="a@example.com", template="test_message", context={"name": "Li"}, channel="email", key="k2", language="en")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Test message"
    assert "Hello Li" in mailoutbox[0].body


def test_same_key_never_sends_twice(sms_outbox):
    for _ in range(3):
        notify(to="13800138000", template="test_message", context={"name": "x"}, channel="sms", key="same")
    assert len(sms_outbox) == 1
    assert Message.objects.filter(key="same").count() == 1


def test_failure_is_recorded_with_reason_then_retried(settings, sms_outbox):
    settings.SMS_BACKEND = "tests.notifications.test_notify.BrokenSms"
    message = notify(to="13800138000", template="test_message", context={"name": "x"}, channel="sms", key="f1")
    assert message.status == Message.Status.FAILED
    assert "gateway down" in message.last_error
    settings.SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    frequent_sweep()  # the Huey periodic task of every minute (immediate mode in tests)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2
    assert len(sms_outbox) == 1


def test_retries_are_bounded(settings):
    settings.SMS_BACKEND = "tests.notifications.test_notify.BrokenSms"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    notify(to="13800138000", template="test_message", context={"name": "x"}, channel="sms", key="f2")
    for _ in range(5):
        retry_unsent()
    message = Message.objects.get(key="f2")
    assert message.attempts == 3
    assert message.status == Message.Status.GIVEN_UP


def test_a_message_recorded_but_never_sent_is_sent_by_the_sweep(sms_outbox):
    # A worker died between recording and sending: the message stays pending.
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        Message.objects.create(key="orphan", channel="sms", recipient="13900139000", template="test_message", body="hi")
    with time_machine.travel("2026-11-22 10:02 +0800", tick=False):
        assert retry_unsent() == 0  # too fresh: its own worker may still be sending
    with time_machine.travel("2026-11-22 10:30 +0800", tick=False):
        assert retry_unsent() == 1
    assert Message.objects.get(key="orphan").status == Message.Status.SENT
    assert sms_outbox == [{"to": "13900139000", "text": "hi"}]


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        notify(to="x", template="test_message", context={}, channel="pigeon", key="p")
    assert not Message.objects.exists()
    assert LocmemSmsBackend.outbox == []
    assert mail.outbox == []
