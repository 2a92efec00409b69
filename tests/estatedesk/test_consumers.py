"""Real Huey consumers (`manage.py run_huey`) against a Redis of the test's own:

- two consumers running every periodic task: no message sent twice, no periodic run twice for
  one tick (the frequent sweep's runs are at least a tick apart);
- a consumer SIGKILLed in the middle of a sweep, then restarted: every pending reminder is sent
  within the sweep interval, none twice (the batch in flight when it died, at most
  NOTIFICATIONS_CLAIM_BATCH messages, is left "sending" for the uncertain check, never resent).
"""

import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.support.installation import SITE, Installation, operations
from tests.support.sms import sent

SETUP = """
import datetime as dt
from django.utils import timezone
from estatedesk.models import SweepRun
from estates.models import House
from fees.factories import ChasingStepFactory
from fees.models import ChasingStep, Step
from notifications.models import Message

# The day's fees sweep already ran: only what is pending is at stake here.
SweepRun.objects.create(name="fees-daily", local_date=timezone.localdate(), finished_at=timezone.now())
old = timezone.now() - dt.timedelta(hours=1)
failed = [Message(key=f"failed:{n}", channel="sms", recipient=f"1380000{n:04d}", template="t", body="text",
                  status=Message.Status.FAILED, attempts=1) for n in range({failed})]
Message.objects.bulk_create(failed)
Message.objects.filter(key__startswith="failed:").update(created_at=old)
houses = list(House.objects.order_by("pk")[:{reminders}])
for n, house in enumerate(houses):
    ChasingStepFactory(house=house, step=Step.REMINDER, period=dt.date(2026, 1, 1), status=ChasingStep.Status.PENDING,
                       outcome="", channel="sms", recipient=f"1390000{n:04d}", message_key=f"kill:{n}")
print("ready")
"""


#: Messages claimed per statement in these installations: small, so that a kill lands mid-run.
CLAIM_BATCH = 5


def _installation(populated_sqlite, tmp_path, redis_server, delay):
    shutil.copytree(populated_sqlite.var, tmp_path / "var")
    outbox = tmp_path / "sms.txt"
    installation = Installation(
        tmp_path, REDIS_URL=redis_server.url, SMS_BACKEND="tests.support.sms.FileSmsBackend",
        SMS_OUTBOX_FILE=str(outbox), SMS_DELAY=str(delay), LOG_LEVEL="INFO",
        NOTIFICATIONS_CLAIM_BATCH=str(CLAIM_BATCH),
    )
    return installation, outbox


def _consumer(installation, name):
    log = open(installation.folder / f"{name}.log", "a")
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=SITE, env=installation.env,
        stdout=log, stderr=subprocess.STDOUT,
    )


def _query(installation, sql):
    with sqlite3.connect(installation.var / "db.sqlite3", timeout=20) as db:
        return db.execute(sql).fetchall()


def _stop(*processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_two_consumers_send_each_message_once_and_run_each_tick_once(populated_sqlite, redis_server, tmp_path):
    installation, outbox = _installation(populated_sqlite, tmp_path, redis_server, delay=0.02)
    assert "ready" in installation.python(SETUP.replace("{failed}", "60").replace("{reminders}", "20"))
    # Four retries run by another process while the consumers start: they race the frequent sweep.
    racer = subprocess.Popen([sys.executable, "manage.py", "shell", "-c",
                              "from notifications.services import retry_unsent\nfor _ in range(4): retry_unsent()"],
                             cwd=SITE, env=installation.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    first, second = _consumer(installation, "a"), _consumer(installation, "b")
    try:
        def frequent_runs():
            return _query(installation, "SELECT started_at FROM estatedesk_sweeprun WHERE name='frequent' "
                                        "AND finished_at IS NOT NULL ORDER BY started_at")
        # Two ticks of the frequent sweep (at most ~2 minutes).
        assert _wait(lambda: len(frequent_runs()) >= 2, timeout=150), (tmp_path / "a.log").read_text()[-3000:]
    finally:
        _stop(first, second, racer)
    numbers = sent(outbox)
    assert len(numbers) == len(set(numbers))  # nothing twice
    ours = {f"1380000{n:04d}" for n in range(60)} | {f"1390000{n:04d}" for n in range(20)}
    assert ours <= set(numbers)  # 60 retried + 20 reminders, each once
    runs = [time.mktime(time.strptime(row[0][:19], "%Y-%m-%d %H:%M:%S")) for row in frequent_runs()]
    gaps = [b - a for a, b in zip(runs, runs[1:], strict=False)]
    assert all(gap >= 30 for gap in gaps), runs  # two schedulers, one run per tick
    unsent = _query(installation, "SELECT COUNT(*) FROM notifications_message WHERE status != 'sent'")[0][0]
    assert unsent == 0


def test_a_worker_killed_mid_sweep_is_made_up_by_the_next_sweep(populated_sqlite, redis_server, tmp_path):
    installation, outbox = _installation(populated_sqlite, tmp_path, redis_server, delay=0.3)
    assert "ready" in installation.python(SETUP.replace("{failed}", "0").replace("{reminders}", "25"))
    worker = _consumer(installation, "before-kill")
    try:
        assert _wait(lambda: len(sent(outbox)) >= 3, timeout=120), (tmp_path / "before-kill.log").read_text()[-3000:]
        worker.send_signal(signal.SIGKILL)  # in the middle of the sweep's sends
        worker.wait(timeout=10)
    finally:
        _stop(worker)
    at_kill = len(sent(outbox))
    assert at_kill < 25
    # Claims are stored in UTC as text: a "sending" claimed after this is the restarted worker's.
    killed_at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    restarted = _consumer(installation, "after-kill")
    started = time.monotonic()

    def reminders():
        return dict(_query(installation, "SELECT status, COUNT(*) FROM notifications_message "
                                         "WHERE key LIKE 'kill:%' GROUP BY status"))

    try:
        def settled():
            busy = _query(installation, "SELECT COUNT(*) FROM notifications_message WHERE key LIKE 'kill:%' "
                                        f"AND status = 'sending' AND claimed_at > '{killed_at}'")[0][0]
            statuses = reminders()
            return statuses.get("sent", 0) + statuses.get("sending", 0) == 25 and not busy
        assert _wait(settled, timeout=150), (tmp_path / "after-kill.log").read_text()[-3000:]
    finally:
        _stop(restarted)
    assert time.monotonic() - started < 150  # the next minute's sweep, not tomorrow's
    numbers = [n for n in sent(outbox) if n.startswith("1390000")]
    assert len(numbers) == len(set(numbers))  # none twice
    statuses = reminders()
    in_flight = statuses.get("sending", 0)
    # At most the one batch the killed worker had claimed; some of it may have gone out, none twice.
    assert statuses.get("sent", 0) + in_flight == 25 and in_flight <= CLAIM_BATCH
    assert 25 - in_flight <= len(numbers) <= 25


pytestmark = [
    operations,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
]
