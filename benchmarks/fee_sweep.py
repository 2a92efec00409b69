"""Fees at scale: a month's bills and the daily arrears sweep against a floor, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/fee_sweep.py --houses 100000
    .venv/bin/python benchmarks/fee_sweep.py --houses 10000 --backends sqlite

Builds N houses in one estate, each with a household file naming its owner and the owner's
mobile, and 11 months of bills (bulk, not timed), then measures:
- issue:  fees.services.bills_issue() for the 12th month: N bills with their history rows, and
          the month's fee notice recorded for every house (its owner's mobile, read from the
          household file), with its history;
- issue floor: one bulk insert of the N bill rows and one of the N notice rows, with the
          fastest insert the app has (fees.bulk.insert_rows: COPY on PostgreSQL, executemany
          on SQLite);
- floor:  one SQL aggregate of the arrears per house + a bulk insert (fees.bulk.insert_rows) of
          one reminder row per overdue house: what any sweep must at least do;
- sweep:  fees.services.arrears_sweep(): the same aggregate, the arrears cases written, the due
          reminders recorded with their history; then a second sweep the same day (steady state);
- send:   fees.services.steps_deliver() for the first --send pending steps (the month's notices)
          through notify_many (SMS log backend, silenced): messages/s (not part of the ratios);
- pages:  page 1 against page 1000 of the admin bill and chasing-step listings, as a clerk
          (1.2 M bills at 100,000 houses; target: the deep page within 2× of page 1).
20 % of the houses are overdue (1, 4 or 7 months) and have a contact mobile on their case.
Targets: sweep ≤ 3 × floor; a month's bills for 100,000 houses < 30 s on PostgreSQL; deep pages
within 2× of page 1. Prints
both ratios and the load average.

Each backend runs in a child process (Django is configured once per process) with its own
database: a temporary SQLite file, and the scratch PostgreSQL database ed_bench_fees (created
and dropped; --pg-url or $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/ed_bench_fees).
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

from _django import drop_pg, prepare_pg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ed_bench_fees"


def child(backend: str, houses: int, url: str, send: int) -> dict:
    var_dir = tempfile.mkdtemp(prefix="ed_bench_fees_")
    os.environ["ESTATEDESK_VAR_DIR"] = var_dir
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

    from archives.models import Household, Person
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, F, Min, Sum
    from estates.demo import build_houses
    from estates.factories import EstateFactory
    from estates.models import House
    from fees import bulk, services
    from fees.models import ArrearsCase, Bill, ChasingStep, FeeItem, FeeRate, Step
    from fees.models.rates import money

    out: dict = {"backend": backend, "houses": houses}

    def progress(label):
        print(f"   {backend}: {label} ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)

    start = time.perf_counter()
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    out["migrate_s"] = time.perf_counter() - t0
    progress('migrate_s')

    t0 = time.perf_counter()
    estate = EstateFactory(code="BENCH", name="基准小区", managed_area=Decimal(houses) * 100)
    build_houses(estate=estate, count=houses, rng=random.Random(1))
    item = FeeItem.objects.create(estate=estate, name="物业服务费", basis=FeeItem.Basis.AREA)
    FeeRate.objects.create(fee_item=item, amount=Decimal("2.50"), valid_from=dt.date(2020, 1, 1))
    periods = [dt.date(2025, m, 1) for m in range(1, 13)]
    rows = list(House.objects.filter(building__estate=estate).values_list("id", "area"))
    # Every house has its household file with the owner's mobile: the month's notices go there.
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with transaction.atomic():
        bulk.insert_rows(Household, [{"house_id": hid, "notes": "", "created_at": stamp, "updated_at": stamp}
                                     for hid, _area in rows])
        bulk.insert_rows(Person, [
            {"household_id": household_id, "name": f"业主{house_id}", "role": "owner", "relationship": "",
             "mobile": f"139{house_id % 100000000:08d}", "id_type": "resident_id", "id_number": "", "notes": ""}
            for household_id, house_id in Household.objects.values_list("id", "house_id")
        ])
    for period in periods[:-1]:  # 11 months in bulk, without history: set-up, not measured
        with transaction.atomic():
            bulk.insert_rows(Bill, [
                {"estate_id": estate.pk, "house_id": hid, "fee_item_id": item.pk, "period": period, "quantity": area,
                 "rate": Decimal("2.50"), "months": 1, "amount": money(area * Decimal("2.50")), "paid": 0,
                 "due_date": period + dt.timedelta(days=15), "issued_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)}
                for hid, area in rows
            ])
    out["setup_s"] = time.perf_counter() - t0
    progress('setup_s')

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()

    # The issue floor: the month's bill rows and notice rows, each in one bulk insert (then removed).
    bill_rows = [
        {"estate_id": estate.pk, "house_id": hid, "fee_item_id": item.pk, "period": periods[-1], "quantity": area,
         "rate": Decimal("2.50"), "months": 1, "amount": money(area * Decimal("2.50")), "paid": 0,
         "due_date": periods[-1] + dt.timedelta(days=15), "issued_at": stamp}
        for hid, area in rows
    ]
    notice_rows = [
        {"estate_id": estate.pk, "house_id": hid, "step": Step.NOTICE, "period": periods[-1], "status": "pending",
         "channel": "sms", "recipient": f"139{hid % 100000000:08d}", "amount": money(area * Decimal("2.50")),
         "done_at": stamp, "message_key": f"floor:{hid}"}
        for hid, area in rows
    ]
    t0 = time.perf_counter()
    with transaction.atomic():
        bulk.insert_rows(Bill, bill_rows)
        bulk.insert_rows(ChasingStep, notice_rows)
    out["issue_floor_s"] = time.perf_counter() - t0
    with transaction.atomic(), connection.cursor() as cursor:  # not timed
        cursor.execute(f"DELETE FROM {Bill._meta.db_table} WHERE period = %s",
                       [connection.ops.adapt_datefield_value(periods[-1])])
        cursor.execute(f"DELETE FROM {ChasingStep._meta.db_table}")
    del bill_rows, notice_rows
    with connection.cursor() as cursor:  # the floor's dead rows are not left in the issue's way
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    connection.close()
    progress('issue floor')

    # A month's bills, as the monthly task issues them: bills, history and the month's notices.
    t0 = time.perf_counter()
    issued = services.bills_issue(estate=estate, period=periods[-1])
    out["issue_s"] = time.perf_counter() - t0
    out["issued"] = issued
    out["notices"] = ChasingStep.objects.filter(step=Step.NOTICE, period=periods[-1]).count()
    progress('issued')

    # 80 % paid everything; overdue houses (id % 5 == 0) owe their last 1, 4 or 7 months.
    with transaction.atomic(), connection.cursor() as cursor:
        table = Bill._meta.db_table
        cursor.execute(f"UPDATE {table} SET paid = amount WHERE house_id % 5 <> 0")
        for remainder, owed in ((0, 1), (5, 4), (10, 7)):
            cursor.execute(
                f"UPDATE {table} SET paid = amount WHERE house_id %% 15 = %s AND period < %s",
                [remainder, periods[-owed]],
            )
        overdue = list(House.objects.filter(building__estate=estate).extra(where=["estates_house.id %% 5 = 0"]).values_list("id", flat=True))
        ArrearsCase.objects.bulk_create([
            ArrearsCase(estate=estate, house_id=hid, contact_mobile=f"139{hid % 100000000:08d}") for hid in overdue
        ], batch_size=5000)
    out["overdue"] = len(overdue)
    # A steady state has statistics (autovacuum analyses after big loads); the set-up was one.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress('overdue')
    today = dt.date(2026, 1, 20)
    connection.close()  # same cold start for floor and sweep

    # The floor: one aggregate + one bulk insert of the reminder rows.
    t0 = time.perf_counter()
    with transaction.atomic():
        agg = list(
            Bill.objects.filter(estate=estate, due_date__lt=today, paid__lt=F("amount")).values("house_id")
            .annotate(total=Sum(F("amount") - F("paid")), months=Count("period", distinct=True), oldest=Min("due_date"))
        )
        now = dt.datetime.now(dt.UTC)
        bulk.insert_rows(ChasingStep, [
            {"estate_id": estate.pk, "house_id": r["house_id"], "step": Step.REMINDER, "period": dt.date(2026, 1, 1),
             "status": "pending", "channel": "sms", "recipient": f"139{r['house_id'] % 100000000:08d}",
             "amount": r["total"], "months": r["months"], "done_at": now, "message_key": f"floor:{r['house_id']}"}
            for r in agg
        ])
    out["floor_s"] = time.perf_counter() - t0
    out["floor_rows"] = len(agg)
    progress('floor_rows')
    with connection.cursor() as cursor:  # not timed; no history rows for the floor's scratch rows
        cursor.execute(f"DELETE FROM {ChasingStep._meta.db_table} WHERE {connection.ops.quote_name('message_key')} "
                       "LIKE 'floor:%%'")
    connection.close()

    from django.test.utils import CaptureQueriesContext

    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = services.arrears_sweep(estate=estate, today=today)
    out["sweep_s"] = time.perf_counter() - t0
    out["sweep_queries"] = len(queries)
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
        print(f"      {q['time']} s  {q['sql'][:160]}", file=sys.stderr)
    out["sweep_reminders"] = result.reminders_recorded
    out["sweep_cases_open"] = result.cases_open
    progress('sweep_cases_open')

    t0 = time.perf_counter()
    again = services.arrears_sweep(estate=estate, today=today)
    out["sweep2_s"] = time.perf_counter() - t0
    out["sweep2_reminders"] = again.reminders_recorded
    progress('sweep2_reminders')

    t0 = time.perf_counter()
    sent = services.steps_deliver(estate=estate, limit=send)
    out["send_s"] = time.perf_counter() - t0
    out["sent"] = sent.sent
    progress('sent')
    out["pages"] = _deep_pages(estate, {"bills": ("/admin/snippets/fees/bill/", Bill.objects.count()),
                                        "chasing steps": ("/admin/snippets/fees/chasingstep/",
                                                          ChasingStep.objects.count())})
    progress('pages')
    return out


def _deep_pages(estate, listings: dict) -> dict:
    """Page 1 against page 1000 (or the last) of each admin listing, as a clerk of the estate sees
    them: median of 5 requests after a warm-up, and the SQL's share."""
    import statistics

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from estates import roles
    from estates.factories import make_staff

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(make_staff(role=roles.CLERK, estates=[estate], username="bench_pages"))
    pages = {}
    for label, (url, rows) in listings.items():
        for page in (1, max(1, min(1000, rows // 50))):
            times, sql = [], []
            for i in range(6):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(url, {"p": page})
                    elapsed = time.perf_counter() - t0
                assert response.status_code == 200, (url, page, response.status_code)
                if i:
                    times.append(elapsed)
                    sql.append(sum(float(q["time"]) for q in queries.captured_queries))
            pages.setdefault(label, {"rows": rows})[page] = (statistics.median(times), statistics.median(sql))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--send", type=int, default=2000, help="pending steps delivered in the send measure")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.houses, args.url, args.send), default=str))
        return

    results = []
    for backend in args.backends.split(","):
        tmp = None
        if backend == "sqlite":
            tmp = tempfile.mkdtemp(prefix="ed_bench_fees_sqlite_")
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            url = args.pg_url
            try:
                prepare_pg(url)
            except Exception as exc:  # no server: say so, measure the rest
                print(f"postgres: skipped ({exc})")
                continue
        print(f"== {backend}: building {args.houses:,} houses × 12 months of bills ...", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", backend, "--houses", str(args.houses), "--url", url,
             "--send", str(args.send)],
            stdout=subprocess.PIPE, text=True,
        )
        if backend != "sqlite":
            drop_pg(url)
        if proc.returncode != 0:
            print(proc.stdout[-3000:])
            sys.exit(1)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        results.append(result)

    print()
    print(f"{'backend':9} {'issue a month':>22} {'floor':>20} {'sweep (1st)':>20} {'ratio':>6} {'sweep (2nd)':>12} {'send':>14}")
    ok = True
    for r in results:
        ratio = r["sweep_s"] / r["floor_s"]
        issue_ratio = r["issue_s"] / r["issue_floor_s"]
        print(
            f"{r['backend']:9} {r['issue_s']:7.2f} s {r['issued'] / r['issue_s']:8,.0f} bills/s "
            f"{r['floor_s']:6.2f} s {r['floor_rows'] / r['floor_s']:7,.0f} rows/s "
            f"{r['sweep_s']:6.2f} s {r['sweep_reminders'] / r['sweep_s']:7,.0f} rows/s {ratio:5.2f}× "
            f"{r['sweep2_s']:9.2f} s {r['sent'] / r['send_s']:7,.0f} msg/s"
        )
        print(f"          issue: {r['issued']:,} bills and {r['notices']:,} notices in {r['issue_s']:.2f} s, floor "
              f"(one bulk insert of the bills, one of the notices) {r['issue_floor_s']:.2f} s: "
              f"ratio {issue_ratio:.2f}× floor")
        print(f"          sweep: ratio {ratio:.2f}× floor; send: {r['sent']:,} messages in {r['send_s']:.2f} s")
        print(f"          set-up {r['setup_s']:.1f} s (migrate {r['migrate_s']:.1f} s); "
              f"{r['overdue']:,} overdue houses, {r['sweep_reminders']:,} reminders recorded, "
              f"2nd sweep recorded {r['sweep2_reminders']}; load average at the end {r['load']}")
        for label, measured in r["pages"].items():
            (first, (t1, s1)), (deep, (td, sd)) = [(int(k), v) for k, v in measured.items() if k != "rows"]
            print(f"          {label} listing ({measured['rows']:,} rows): page 1 {t1 * 1000:.0f} ms (SQL {s1 * 1000:.0f}), "
                  f"page {deep} {td * 1000:.0f} ms (SQL {sd * 1000:.0f}): {td / t1:.2f}× (target ≤ 2×)")
            ok &= td / t1 <= 2
        ok &= ratio <= 3 and r["notices"] == r["issued"]
        if r["backend"] == "postgres" and r["houses"] >= 100_000:
            ok &= r["issue_s"] < 30
    print("targets: sweep ≤ 3× floor; a notice for every bill; a month's bills for 100,000 houses < 30 s on "
          "PostgreSQL; deep pages ≤ 2× page 1 →", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
