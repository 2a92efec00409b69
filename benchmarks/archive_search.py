"""Archive search at 100,000 households against the same search at 1,000, and deep listing pages.

    .venv/bin/python benchmarks/archive_search.py                      # PostgreSQL 1,000 vs 100,000; SQLite 1,000 vs 20,000
    .venv/bin/python benchmarks/archive_search.py --backends sqlite --large 20000

For each size, one estate of N households (owner + often a family member, a car for a third),
written in bulk (COPY on PostgreSQL; not timed), then ANALYZE. Logged in as a clerk (who may
search by part of a number) and a secretary (masked: full numbers only), it times the admin
listings as a user gets them (the whole request: search, count, one page of 50 rows, rendering):

- household listing by owner name (2 and 3 characters), full mobile (clerk and secretary),
  ID number, plate, and a house typed as "1-2-301" and "1栋2单元301";
- people listing by name and full mobile; vehicle listing by plate;
- page 1 against page 1000 (or the last page) of the household, people, house and vehicle listings.

It also times the search alone (``archives.search`` over the user's scoped queryset: the count and
the first page of ids), which is the part that grows with the data; the request adds the page's
rendering and its other queries, constant in the data but slow on a busy machine.

Each kind runs over 10 different targets (after 2 warm-up requests); p50 and p95 are printed, and the ratio of the
large size's p95 to the small size's (target: p95 < 150 ms and within 2× at 1,000 households),
with the machine's load average. Each size runs in a child process with its own database: a
temporary SQLite file, or the scratch PostgreSQL database (--pg-url, dropped and created).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _django import drop_pg, prepare_pg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/estatedesk_bench21"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国红梅鑫斌宇浩凯健俊帆帅旭宁龙林欣悦晨阳佳琪雪琳子涵思雨博文"
PROVINCES = "京沪粤苏浙鲁川鄂湘豫"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _name(rng):
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def build(households: int, rng: random.Random):
    """One estate of ``households`` households, bulk-written; returns it and the search targets."""
    import datetime as dt
    from decimal import Decimal

    from archives.models import Household, Person, Vehicle
    from django.db import connection, transaction
    from django.utils import timezone
    from estates.demo import build_houses
    from estates.factories import EstateFactory
    from estates.models import House
    from fees.bulk import insert_rows

    estate = EstateFactory(code="BENCH", name="基准小区", managed_area=Decimal(households) * 100)
    build_houses(estate=estate, count=households, rng=rng)
    now = timezone.now()
    houses = list(House.objects.filter(building__estate=estate).values_list("id", flat=True))
    with transaction.atomic():
        insert_rows(Household, [{"house_id": hid, "notes": "", "created_at": now, "updated_at": now} for hid in houses])
    ids = list(Household.objects.filter(house__building__estate=estate).values_list("id", flat=True))
    people, vehicles, seq = [], [], 0
    for hid in ids:
        for role in ("owner",) + (("family",) if rng.random() < 0.6 else ()):
            seq += 1
            people.append({
                "household_id": hid, "name": _name(rng), "role": role, "relationship": "", "id_type": "resident_id",
                "mobile": f"1{rng.choice('3589')}{seq:09d}"[:11], "notes": "",
                "id_number": f"{rng.randint(110000, 650000)}{rng.randint(1950, 2005)}{rng.randint(101, 1228):04d}{seq % 10000:04d}"[:18],
                "move_in": dt.date(2020, 1, 1),
            })
        if rng.random() < 0.33:
            vehicles.append({
                "household_id": hid, "plate": f"{rng.choice(PROVINCES)}{rng.choice(LETTERS)}{len(vehicles):05d}",
                "vehicle_type": "car", "colour": "", "parking_space": "", "permit_number": "", "active": True,
            })
    with transaction.atomic():
        insert_rows(Person, people)
        insert_rows(Vehicle, vehicles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return estate, people, vehicles


def _p95(values):
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)]


def measure(client, url, queries, *, warm=2):
    """Wall time of each request, and the time its SQL took (the part that grows with the data)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, sql = [], []
    for i, params in enumerate(queries):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, params, response.status_code)
        if i >= warm:
            times.append(elapsed)
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries))
    return {"p50": statistics.median(times), "p95": _p95(times), "sql_p50": statistics.median(sql),
            "sql_p95": _p95(sql), "n": len(times)}


def child(backend: str, households: int, url: str) -> dict:
    os.environ["ESTATEDESK_VAR_DIR"] = tempfile.mkdtemp(prefix="ed_bench_search_")
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["DJANGO_SETTINGS_MODULE"] = "estatedesk.settings.base"
    sys.path.insert(0, str(ROOT / "site"))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from estates import roles
    from estates.factories import make_staff

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    rng = random.Random(21)
    t0 = time.perf_counter()
    estate, people, vehicles = build(households, rng)
    print(f"   {backend} {households}: data in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    clients = {}
    for role in (roles.CLERK, roles.SECRETARY):
        clients[role] = Client()
        clients[role].force_login(make_staff(role=role, estates=[estate], username=f"bench_{role}"))
    from archives.models import Household

    n = 12
    sample_people = rng.sample(people, n)
    sample_households = list(
        Household.objects.filter(house__building__estate=estate).select_related("house__building")
        .order_by("?")[:n]
    )
    labels = [(h.house.building.name.removesuffix("栋"), h.house.unit, h.house.room) for h in sample_households]
    lists = {
        "household": "/admin/snippets/archives/household/",
        "person": "/admin/snippets/archives/person/",
        "vehicle": "/admin/snippets/archives/vehicle/",
        "house": "/admin/snippets/estates/house/",
    }
    cases = {
        "household · name (2 chars)": (roles.CLERK, "household", [p["name"][:2] for p in sample_people]),
        "household · name (3 chars)": (roles.CLERK, "household",
                                       [p["name"] for p in people if len(p["name"]) == 3][:n]),
        "household · full mobile": (roles.CLERK, "household", [p["mobile"] for p in sample_people]),
        "household · full mobile, masked role": (roles.SECRETARY, "household", [p["mobile"] for p in sample_people]),
        "household · ID number": (roles.CLERK, "household", [p["id_number"] for p in sample_people]),
        "household · plate": (roles.CLERK, "household", [v["plate"] for v in rng.sample(vehicles, n)]),
        "household · house 1-2-301": (roles.CLERK, "household", [f"{b}-{u}-{r}" for b, u, r in labels]),
        "household · house 1栋2单元301": (roles.CLERK, "household", [f"{b}栋{u}单元{r}" for b, u, r in labels]),
        "person · name": (roles.CLERK, "person", [p["name"] for p in sample_people]),
        "person · full mobile": (roles.CLERK, "person", [p["mobile"] for p in sample_people]),
        "vehicle · plate": (roles.CLERK, "vehicle", [v["plate"] for v in rng.sample(vehicles, n)]),
    }
    out = {"backend": connection.vendor, "households": households, "people": len(people), "vehicles": len(vehicles),
           "search": {}, "pages": {}}
    from archives import search
    from archives.models import Person, Vehicle
    from django.contrib.auth import get_user_model
    from estates.personal_data import can_view_personal_data
    from estates.scoping import scope_queryset

    models = {"household": Household, "person": Person, "vehicle": Vehicle}
    users = {role: get_user_model().objects.get(username=f"bench_{role}") for role in clients}
    for label, (role, model, queries) in cases.items():
        out["search"][label] = measure(clients[role], lists[model], [{"q": q} for q in queries])
        # The search alone, as the listing runs it: count + the first page's ids.
        times = []
        for i, q in enumerate(queries):
            start = time.perf_counter()
            found = search.search(scope_queryset(models[model].objects.all(), users[role]), q,
                                  privileged=can_view_personal_data(users[role]))
            found.count()
            list(found.values_list("pk", flat=True)[:50])
            if i >= 2:
                times.append(time.perf_counter() - start)
        out["search"][label].update(only_p50=statistics.median(times), only_p95=_p95(times))
    clerk = clients[roles.CLERK]
    counts = {"household": households, "person": len(people), "house": households, "vehicle": len(vehicles)}
    for model in ("household", "person", "house", "vehicle"):
        # Page 1000, or the last page of a smaller listing (vehicles: a third of the households).
        last = max(1, min(1000 if households >= 60_000 else households // 50, counts[model] // 50))
        out["pages"][model] = {
            "page 1": measure(clerk, lists[model], [{"p": 1}] * 5),
            f"page {last}": measure(clerk, lists[model], [{"p": last}] * 5),
        }
    return out


def run_child(backend, households, pg_url):
    if backend == "postgres":
        prepare_pg(pg_url)
        url = pg_url
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='ed_bench_search_')}/db.sqlite3"
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", backend, "--households", str(households), "--url", url],
            capture_output=True, text=True, check=False,
        )
        sys.stderr.write(proc.stderr[-3000:] if proc.returncode else "")
        if proc.returncode:
            raise SystemExit(f"{backend} {households}: child failed")
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        if backend == "postgres":
            drop_pg(pg_url)


def report(small, large):
    print(f"\n{large['backend']}: {small['households']:,} vs {large['households']:,} households "
          f"({large['people']:,} people, {large['vehicles']:,} vehicles); load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("search = the search alone (count + first page of ids); request = the whole admin listing (ms)")
    print(f"{'':38} {'small search p50/p95':>20} {'large search p50/p95':>20} {'ratio p95':>9} "
          f"{'small req p50/p95':>18} {'large req p50/p95':>18} {'ratio':>6}")
    for label, s in small["search"].items():
        b = large["search"][label]
        print(f"{label:38} {s['only_p50'] * 1000:9.1f}/{s['only_p95'] * 1000:<9.1f} "
              f"{b['only_p50'] * 1000:9.1f}/{b['only_p95'] * 1000:<9.1f} {b['only_p95'] / s['only_p95']:8.2f}× "
              f"{s['p50'] * 1000:8.1f}/{s['p95'] * 1000:<8.1f} {b['p50'] * 1000:8.1f}/{b['p95'] * 1000:<8.1f} "
              f"{b['p95'] / s['p95']:5.2f}×")
    print(f"{'deep pages (large)':38} {'page 1 p50':>10} {'deep p50':>10} {'ratio':>6} {'SQL p1':>8} {'SQL deep':>9}")
    for model, pages in large["pages"].items():
        (_, first), (deep_label, deep) = pages.items()
        print(f"{model + ' ' + deep_label:38} {first['p50'] * 1000:8.1f}ms {deep['p50'] * 1000:8.1f}ms "
              f"{deep['p50'] / first['p50']:5.2f}× {first['sql_p50'] * 1000:6.1f}ms {deep['sql_p50'] * 1000:7.1f}ms")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=0, help="default: 100,000 on PostgreSQL, 20,000 on SQLite")
    parser.add_argument("--households", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.households, args.url)))
        return
    for backend in args.backends.split(","):
        large = args.large or (100_000 if backend == "postgres" else 20_000)
        small = run_child(backend, args.small, args.pg_url)
        big = run_child(backend, large, args.pg_url)
        report(small, big)


if __name__ == "__main__":
    main()
