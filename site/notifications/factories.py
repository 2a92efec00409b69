import factory

from notifications.models import Channel, Message


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    key = factory.Sequence(lambda n: f"test:{n}")
    channel = Channel.SMS
    recipient = "13800138000"
    template = "test_message"
    subject = "测试"
    body = "测试消息"
