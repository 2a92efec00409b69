from datetime import timedelta

import factory
from django.utils import timezone

from notifications.models import Channel, Message, OneTimeCode


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    key = factory.Sequence(lambda n: f"test:{n}")
    channel = Channel.SMS
    recipient = "13800138000"
    template = "test_message"
    subject = "测试"
    body = "测试消息"


class OneTimeCodeFactory(factory.django.DjangoModelFactory):
    """A code row; its hash matches no known code (use notifications.codes.send_code for one)."""

    class Meta:
        model = OneTimeCode

    purpose = "owner-sign-in"
    recipient = "13800138000"
    code_hash = factory.Sequence(lambda n: f"test-hash-{n:08d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=5))
