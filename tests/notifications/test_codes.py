"""One-time SMS codes: sent once per request, stored hashed, single use, expiring, limited."""

import re
import threading

import pytest
import time_machine
from django.db import connection
from notifications.codes import CodeRateLimited, check_code, send_code
from notifications.models import OneTimeCode

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"


def sent_code(sms_outbox) -> str:
    return re.search(r"\b(\d{6})\b", sms_outbox[-1]["text"]).group(1)


def test_the_code_is_texted_in_chinese_and_stored_only_hashed(sms_outbox):
    record = send_code(purpose="owner-sign-in", recipient=MOBILE)
    code = sent_code(sms_outbox)
    assert sms_outbox[-1]["to"] == MOBILE and "验证码" in sms_outbox[-1]["text"]
    assert code not in record.code_hash
    assert check_code(purpose="owner-sign-in", recipient=MOBILE, code=code)


def test_a_code_works_once(sms_outbox):
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    code = sent_code(sms_outbox)
    assert check_code(purpose="owner-sign-in", recipient=MOBILE, code=code)
    assert not check_code(purpose="owner-sign-in", recipient=MOBILE, code=code)


def test_a_code_proves_only_its_purpose_and_recipient(sms_outbox):
    send_code(purpose="release:1", recipient=MOBILE)
    code = sent_code(sms_outbox)
    assert not check_code(purpose="release:2", recipient=MOBILE, code=code)
    assert not check_code(purpose="release:1", recipient="13900139000", code=code)
    assert check_code(purpose="release:1", recipient=MOBILE, code=code)


def test_a_code_expires(sms_outbox, settings):
    settings.ONE_TIME_CODE_TTL_SECONDS = 300
    with time_machine.travel("2026-11-26 10:00 +0800", tick=False) as traveller:
        send_code(purpose="owner-sign-in", recipient=MOBILE)
        code = sent_code(sms_outbox)
        traveller.shift(301)
        assert not check_code(purpose="owner-sign-in", recipient=MOBILE, code=code)


def test_wrong_guesses_kill_the_code(sms_outbox, settings):
    settings.ONE_TIME_CODE_MAX_ATTEMPTS = 3
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    code = sent_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(3):
        assert not check_code(purpose="owner-sign-in", recipient=MOBILE, code=wrong)
    assert not check_code(purpose="owner-sign-in", recipient=MOBILE, code=code)


def test_a_new_code_replaces_the_previous_one(sms_outbox):
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    first = sent_code(sms_outbox)
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    second = sent_code(sms_outbox)
    if first != second:
        assert not check_code(purpose="owner-sign-in", recipient=MOBILE, code=first)
    assert check_code(purpose="owner-sign-in", recipient=MOBILE, code=second)


def test_sending_is_limited_per_recipient(sms_outbox, settings):
    settings.ONE_TIME_CODE_SEND_LIMIT = (2, 3600)
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    with pytest.raises(CodeRateLimited):
        send_code(purpose="owner-sign-in", recipient=MOBILE)
    send_code(purpose="owner-sign-in", recipient="13900139000")  # another mobile is not affected
    assert len(sms_outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_checks_of_the_right_code_succeed_once(sms_outbox):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    send_code(purpose="owner-sign-in", recipient=MOBILE)
    code = sent_code(sms_outbox)
    results, barrier = [], threading.Barrier(4)

    def attempt():
        barrier.wait()
        try:
            results.append(check_code(purpose="owner-sign-in", recipient=MOBILE, code=code))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert OneTimeCode.objects.filter(used_at__isnull=False).count() == 1
