"""SMS backends. A real provider plugs in by pointing settings.SMS_BACKEND at its class."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications.sms")


class SmsError(Exception):
    """The provider refused or failed to send; the message is recorded as failed."""


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """The default: write the SMS to the log instead of sending it."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class LocmemSmsBackend(BaseSmsBackend):
    """For tests: keep sent messages in ``LocmemSmsBackend.outbox`` (like Django's mail.outbox)."""

    outbox: list[dict] = []

    def send(self, *, to: str, text: str) -> None:
        LocmemSmsBackend.outbox.append({"to": to, "text": text})


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
