"""Reminder delivery: messages per second through the real path against a floor.

    .venv/bin/python benchmarks/reminder_delivery.py [--messages 20000] [--backends sqlite,postgres]

One estate with N houses, each with a pending monthly notice (ChasingStep, written in bulk: not
timed), then:
- floor: one bulk insert of the N message rows, already rendered (fees.bulk.insert_rows: COPY on
  PostgreSQL, executemany on SQLite), the least any delivery must write;
- deliver: the month's notices as the monthly run sends them, chunk by chunk through the
  ``fees.tasks.deliver_steps`` task body (steps_deliver → notify_many: render, record, claim a
  batch of NOTIFICATIONS_CLAIM_BATCH messages in one statement, hand each to the SMS log backend,
  record the batch's outcomes in one statement, mark the steps, with history), then the same
  chunks again (a retried task: nothing sent twice).
Prints messages/s, the ratio to the floor, queries per message and the load average. Target:
≥ 1,000 messages/s. Each backend runs in a child process with its own database (a temporary
SQLite file; the scratch PostgreSQL database of --pg-url, dropped and created).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/estatedesk_bench21_send"


def child(backend: str, count: int, url: str) -> dict:
    os.environ["ESTATEDESK_VAR_DIR"] = tempfile.mkdtemp(prefix="ed_bench_send_")
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["SMS_BACKEND"] = "notifications.sms.LogSmsBackend"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["DJANGO_SETTINGS_MODULE"] = "estatedesk.settings.base"
    sys.path.insert(0, str(ROOT / "site"))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    import datetime as dt
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from estates.demo import build_houses
    from estates.factories import EstateFactory
    from estates.models import House
    from fees import bulk, services, tasks
    from fees.models import ChasingStep, Step
    from notifications.models import Message

    call_command("migrate", verbosity=0)
    estate = EstateFactory(code="BENCH", name="基准小区", managed_area=Decimal(count) * 100)
    build_houses(estate=estate, count=count, rng=random.Random(1))
    now = timezone.now()
    period = dt.date(2026, 1, 1)
    houses = list(House.objects.filter(building__estate=estate).values_list("id", flat=True))
    with transaction.atomic():
        bulk.insert_rows(ChasingStep, [
            {"estate_id": estate.pk, "house_id": hid, "step": Step.NOTICE, "period": period, "status": "pending",
             "channel": "sms", "recipient": f"139{hid:08d}", "amount": Decimal("250.00"), "months": 0,
             "done_at": now, "message_key": f"fees:{hid}:notice:2026-01", "outcome": "", "note": ""}
            for hid in houses
        ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from django.conf import settings

    out = {"backend": connection.vendor, "messages": count, "claim_batch": settings.NOTIFICATIONS_CLAIM_BATCH}

    # The floor: the message rows, rendered, in one bulk insert.
    rows = [{"key": f"floor:{hid}", "channel": "sms", "recipient": f"139{hid:08d}", "template": "fees_notice",
             "subject": "物业费缴费通知", "body": "您的物业费账单已出，金额 250.00 元。" * 2, "status": "sent",
             "attempts": 1, "claimed_at": now, "last_error": "", "estate_id": estate.pk, "created_at": now,
             "sent_at": now} for hid in houses]
    t0, cpu0 = time.perf_counter(), time.process_time()
    with transaction.atomic():
        bulk.insert_rows(Message, rows)
    out["floor_s"] = time.perf_counter() - t0
    out["floor_cpu_s"] = time.process_time() - cpu0
    Message.objects.all().delete()
    connection.close()

    ids = services.pending_step_ids(estate=estate)
    chunks = [ids[i:i + tasks.DELIVERY_CHUNK] for i in range(0, len(ids), tasks.DELIVERY_CHUNK)]
    t0, cpu0 = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            sent = profile.runcall(lambda: sum(tasks.deliver_steps.call_local(chunk) for chunk in chunks))
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        else:
            sent = sum(tasks.deliver_steps.call_local(chunk) for chunk in chunks)
    out["deliver_s"] = time.perf_counter() - t0
    # This process's own CPU time: on a shared machine the wall time also counts waiting for a core.
    out["deliver_cpu_s"] = time.process_time() - cpu0
    out["sent"] = sent
    out["queries"] = len(queries)
    out["chunks"] = len(chunks)
    t0 = time.perf_counter()
    again = sum(tasks.deliver_steps.call_local(chunk) for chunk in chunks)
    out["again_s"] = time.perf_counter() - t0
    out["again_sent"] = again
    out["messages_in_db"] = Message.objects.count()
    return out


def _pg(url: str, *, create: bool) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.messages, args.url)))
        return
    for backend in args.backends.split(","):
        if backend == "postgres":
            _pg(args.pg_url, create=True)
            url = args.pg_url
        else:
            url = f"sqlite:///{tempfile.mkdtemp(prefix='ed_bench_send_')}/db.sqlite3"
        try:
            proc = subprocess.run([sys.executable, __file__, "--child", backend, "--messages", str(args.messages),
                                   "--url", url], capture_output=True, text=True, check=False)
        finally:
            if backend == "postgres":
                _pg(args.pg_url, create=False)
        if proc.returncode:
            sys.stderr.write(proc.stderr[-3000:])
            raise SystemExit(f"{backend}: child failed")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{r['backend']}: {r['messages']:,} notices in {r['chunks']} chunks, claimed {r['claim_batch']} "
              f"per statement; load average {load}")
        print(f"  floor (one bulk insert of the rows) {r['floor_s']:7.2f} s  {r['messages'] / r['floor_s']:9,.0f} rows/s")
        print(f"  deliver (deliver_steps chunks)      {r['deliver_s']:7.2f} s  {r['sent'] / r['deliver_s']:9,.0f} msg/s"
              f"  {r['queries'] / max(r['sent'], 1):.2f} statements/message  ratio {r['deliver_s'] / r['floor_s']:.1f}× floor")
        print(f"  CPU time of this process: floor {r['floor_cpu_s']:.2f} s, deliver {r['deliver_cpu_s']:.2f} s "
              f"({r['sent'] / r['deliver_cpu_s']:,.0f} msg/s of CPU; the database server's own time not included)")
        print(f"  the same chunks again               {r['again_s']:7.2f} s  sent {r['again_sent']} "
              f"(messages in the database: {r['messages_in_db']:,})")


if __name__ == "__main__":
    main()
