"""One-time codes sent by SMS: the one place that issues and checks them.

- A code is six digits from ``secrets``; only an HMAC of it (keyed with SECRET_KEY and salted with
  the purpose and recipient) is stored, so a database dump reveals no live code.
- A new code for the same purpose and recipient replaces the previous ones (they stop working).
- A code works once: the check marks it used with a conditional UPDATE, so of two concurrent
  checks of the right code only one succeeds.
- A code dies after ``ONE_TIME_CODE_MAX_ATTEMPTS`` wrong guesses or ``ONE_TIME_CODE_TTL_SECONDS``.
- Sending is rate-limited per recipient (``ONE_TIME_CODE_SEND_LIMIT`` per window) with the same
  database counter as the public forms; limiting per client address is the caller's job
  (``estatedesk.guard.public_form``). Callers must answer the same way whether or not they sent a
  code, so that the form does not tell whether a mobile is registered.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from estatedesk.guard import count_post

from notifications.models import Channel, OneTimeCode
from notifications.services import notify


class CodeRateLimited(Exception):
    """Too many codes were sent to this recipient lately."""


def _hash(purpose: str, recipient: str, code: str) -> str:
    return salted_hmac(f"one-time-code:{purpose}:{recipient}", code, algorithm="sha256").hexdigest()


def send_code(*, purpose: str, recipient: str, estate=None, template: str = "one_time_code",
              context: dict | None = None) -> OneTimeCode:
    """Create a code for ``purpose`` and text it to ``recipient`` (a mobile). Raises
    ``CodeRateLimited`` over the per-recipient limit; earlier codes of the same purpose stop working."""
    limit, seconds = settings.ONE_TIME_CODE_SEND_LIMIT
    if count_post(scope=f"code:{purpose}", client=recipient, seconds=seconds) > limit:
        raise CodeRateLimited(recipient)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    ttl = settings.ONE_TIME_CODE_TTL_SECONDS
    with transaction.atomic():
        OneTimeCode.objects.filter(purpose=purpose, recipient=recipient, used_at__isnull=True).update(used_at=now)
        record = OneTimeCode.objects.create(
            purpose=purpose, recipient=recipient, code_hash=_hash(purpose, recipient, code),
            expires_at=now + timedelta(seconds=ttl),
        )
    # The key names this code: a retried task never texts two codes, and the message log holds
    # the text (the code itself) only as long as the message log is kept.
    notify(
        to=recipient, template=template, channel=Channel.SMS, key=f"code:{record.pk}", estate=estate,
        context={**(context or {}), "code": code, "minutes": ttl // 60},
    )
    return record


def check_code(*, purpose: str, recipient: str, code: str) -> bool:
    """True once for the right, live code of this purpose and recipient; False otherwise."""
    now = timezone.now()
    record = (
        OneTimeCode.objects.filter(purpose=purpose, recipient=recipient, used_at__isnull=True, expires_at__gt=now,
                                   attempts__lt=settings.ONE_TIME_CODE_MAX_ATTEMPTS)
        .order_by("-created_at").first()
    )
    if record is None:
        return False
    given = (code or "").strip()
    if not hmac.compare_digest(record.code_hash, _hash(purpose, recipient, given)):
        OneTimeCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
        return False
    # Conditional: of two concurrent checks of the right code only one sees its update land.
    return bool(OneTimeCode.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=now))
