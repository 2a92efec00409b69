"""The ageing report (账龄分析) at scale against one SQL aggregate, on PostgreSQL and SQLite.

    .venv/bin/python benchmarks/ageing.py --houses 100000
    .venv/bin/python benchmarks/ageing.py --houses 10000 --backends sqlite

Builds N houses in one estate with 24 months of property-fee bills (bulk, not timed); 30 % of
the houses owe their last 1 to 24 months (so every bucket is filled). Then measures, each after
a fresh connection, best of 3:
- floor:  one raw SQL aggregate, SUM(amount - paid) of the overdue bills GROUP BY house_id,
          fetched (what any per-house report must at least do);
- report: fees.ageing.ageing_report(by="house"): the five bucket sums per house, the house
          labels, the year's billing;
- items:  fees.ageing.ageing_report(by="item").
Target: the by-house report under 5 s at 100,000 houses on PostgreSQL; the ratio to the floor
is printed. Each backend runs in a child process with its own database (a temporary SQLite
file; the scratch PostgreSQL database ed_bench_ageing, created and dropped; --pg-url or
$BENCH_PG_URL).
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
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ed_bench_ageing"


def child(backend: str, houses: int, url: str) -> dict:
    os.environ["ESTATEDESK_VAR_DIR"] = tempfile.mkdtemp(prefix="ed_bench_ageing_")
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["DJANGO_SETTINGS_MODULE"] = "estatedesk.settings.base"
    sys.path.insert(0, str(ROOT / "site"))
    import django

    django.setup()
    import datetime as dt
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from estates.demo import build_houses
    from estates.factories import EstateFactory
    from estates.models import House
    from fees import ageing, bulk, services
    from fees.models import Bill, FeeItem

    out: dict = {"backend": backend, "houses": houses}
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    estate = EstateFactory(code="BENCH", name="基准小区", managed_area=Decimal(houses) * 100)
    build_houses(estate=estate, count=houses, rng=random.Random(1))
    item = FeeItem.objects.create(estate=estate, name="物业服务费", basis=FeeItem.Basis.AREA)
    periods = [services.add_months(dt.date(2024, 7, 1), i) for i in range(24)]
    rows = list(House.objects.filter(building__estate=estate).values_list("id", "area"))
    rng = random.Random(2)
    owes = {hid: rng.randint(1, 24) for hid, _a in rows if rng.random() < 0.3}
    for index, period in enumerate(periods):
        left = len(periods) - index  # months from this period to the last
        with transaction.atomic():
            bulk.insert_rows(Bill, [
                {"estate_id": estate.pk, "house_id": hid, "fee_item_id": item.pk, "period": period, "quantity": area,
                 "rate": Decimal("2.50"), "months": 1, "amount": services.money(area * Decimal("2.50")),
                 "paid": 0 if owes.get(hid, 0) >= left else services.money(area * Decimal("2.50")),
                 "due_date": period + dt.timedelta(days=15), "issued_at": dt.datetime(2024, 7, 1, tzinfo=dt.UTC)}
                for hid, area in rows
            ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out["setup_s"] = time.perf_counter() - t0
    out["bills"] = len(rows) * len(periods)
    out["owing"] = len(owes)
    as_of = dt.date(2026, 7, 20)

    def best(fn):
        times = []
        for _ in range(3):
            connection.close()
            t = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - t)
        return min(times), value

    table = Bill._meta.db_table

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT house_id, SUM(amount - paid) FROM {table} "
                "WHERE estate_id = %s AND due_date < %s AND paid < amount GROUP BY house_id",
                [estate.pk, as_of],
            )
            return len(cursor.fetchall())

    out["floor_s"], out["floor_rows"] = best(floor)
    out["report_s"], report = best(lambda: ageing.ageing_report(estate=estate, as_of=as_of, by="house"))
    from django.test.utils import CaptureQueriesContext

    connection.close()
    with CaptureQueriesContext(connection) as queries:
        t = time.perf_counter()
        ageing.ageing_report(estate=estate, as_of=as_of, by="house")
        out["report_queries"] = len(queries)
        out["report_db_s"] = sum(float(q["time"]) for q in queries.captured_queries)
        out["report_wall_s"] = time.perf_counter() - t
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
        print(f"      {q['time']} s  {q['sql'][:200]}", file=sys.stderr)
    out["report_rows"] = len(report.rows)
    out["report_total"] = str(report.totals["total"])
    out["items_s"], _items = best(lambda: ageing.ageing_report(estate=estate, as_of=as_of, by="item"))
    return out


def _pg(url: str, sql: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.format(name=name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=100_000)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.houses, args.url), default=str))
        return
    results = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='ed_bench_ageing_sqlite_')}/bench.sqlite3"
        else:
            url = args.pg_url
            try:
                _pg(url, 'DROP DATABASE IF EXISTS "{name}"')
                _pg(url, 'CREATE DATABASE "{name}"')
            except Exception as exc:  # no server: say so, measure the rest
                print(f"postgres: skipped ({exc})")
                continue
        print(f"== {backend}: building {args.houses:,} houses × 24 months of bills ...", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", backend, "--houses", str(args.houses), "--url", url],
            stdout=subprocess.PIPE, text=True,
        )
        if backend != "sqlite":
            _pg(url, 'DROP DATABASE IF EXISTS "{name}"')
        if proc.returncode != 0:
            print(proc.stdout[-3000:])
            sys.exit(1)
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print()
    print(f"{'backend':9} {'bills':>10} {'owing':>8} {'floor':>9} {'by house':>9} {'ratio':>6} {'by item':>9}")
    ok = True
    for r in results:
        ratio = r["report_s"] / r["floor_s"]
        print(f"{r['backend']:9} {r['bills']:>10,} {r['owing']:>8,} {r['floor_s']:7.2f} s {r['report_s']:7.2f} s "
              f"{ratio:5.2f}× {r['items_s']:7.2f} s   (set-up {r['setup_s']:.0f} s, {r['report_rows']:,} rows)")
        if r["backend"] == "postgres" and r["houses"] >= 100_000:
            ok &= r["report_s"] < 5
    print("target: the by-house report for 100,000 houses under 5 s on PostgreSQL →", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
