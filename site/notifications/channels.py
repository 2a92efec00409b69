"""The channels a message can go out by: a small registry read from settings.

``settings.NOTIFICATION_CHANNELS`` maps a channel name to the class that delivers it::

    NOTIFICATION_CHANNELS = {
        "email": "notifications.channels.EmailChannel",
        "sms": "notifications.channels.SmsChannel",
        # a WeChat template message channel is one more line, e.g.
        # "wechat": "mycompany.wechat.TemplateMessageChannel",
    }

A channel class has a ``name``, an ``address_kind`` (which address of a person it needs:
``"email"``, ``"mobile"``, or e.g. ``"wechat_openid"``) and ``send(message)``; ``notify()``
records the message under its key, claims it, then calls the channel. Callers that reach owners
(servicedesk.services.owner_notices) pass the addresses they know by kind and a list of channel
names from their setting; a channel whose address is unknown for the person is skipped.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from notifications.sms import get_sms_backend

DEFAULT_CHANNELS = {
    "email": "notifications.channels.EmailChannel",
    "sms": "notifications.channels.SmsChannel",
}


class BaseChannel:
    name = ""
    address_kind = ""

    def send(self, message) -> None:
        raise NotImplementedError


class EmailChannel(BaseChannel):
    name = "email"
    address_kind = "email"

    def send(self, message) -> None:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])


class SmsChannel(BaseChannel):
    name = "sms"
    address_kind = "mobile"

    def send(self, message) -> None:
        text = f"{message.subject} {message.body}".strip() if message.subject else message.body
        get_sms_backend().send(to=message.recipient, text=text)


def registry() -> dict[str, str]:
    return {**DEFAULT_CHANNELS, **getattr(settings, "NOTIFICATION_CHANNELS", {})}


def channel_names() -> list[str]:
    return list(registry())


def get_channel(name: str) -> BaseChannel:
    try:
        path = registry()[name]
    except KeyError:
        raise ValueError(f"unknown channel {name!r}") from None
    return import_string(path)()
