"""Importing an owner list of N households (one owner each, default 100,000) from an .xlsx.

Measures, in one run, on SQLite (its own temporary file) and on PostgreSQL (a scratch database,
ed_bench_import, dropped and created again):

  (a) our import: spreadsheets.engine — check every row, then bulk create with history;
  (b) django-import-export's default, row-by-row path (``resource.import_data``) on a
      10,000-row slice, scaled to N, with the Resource a library user writes: a plain
      ``ModelResource`` of Household whose house is found by a ``ForeignKeyWidget`` over
      (estate, building, unit, room), the owner created in ``after_save_instance`` (the same
      columns, the same rows written, with history). ``--library ours`` runs our PersonResource
      through the library instead (its ``prepare()`` per row: three look-ups more per row);
  (c) the floor: openpyxl read-only parse + ``bulk_create_with_history`` of the same rows
      (households, then people), no validation at all;
  (d) the export of the N people it wrote, as .xlsx and as .csv, through the one writer
      (``spreadsheets.exports.export_parts`` + ``writing.export_bytes``, what the export job runs).

The file is written as Excel and WPS write theirs, with a ``<dimension>`` naming its size, and in
a shuffled order by default (``--order sorted``: sorted by building and room). Each measurement
runs in a fresh process, so its peak memory (max RSS) is its own. ``--repeat N`` measures (c) and
(a) N times, in pairs whose order alternates (c-a, a-c, ...), and reports the median of the
pairs' ratios: on a shared 2-core machine one CPU-bound run varies by a third from the next.
Prints rows per second, the ratios (a)/(c) and (b)/(a), the peak memory and the load average. Targets: (a) within 1.5x of
(c); (a) at least 5x faster than (b); peak memory under 500 MB; (d) under 300 MB.

    .venv/bin/python benchmarks/import_households.py [--rows 100000] [--slice 10000] [--backends sqlite,postgres]
                                                     [--order shuffled|sorted] [--skip-library]
                                                     [--library plain|ours] [--repeat 1]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/ed_bench_import"
BUILDING_SIZE = 1000


def django_setup(database_url: str, var: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["ESTATEDESK_VAR_DIR"] = var
    os.environ["DJANGO_SETTINGS_MODULE"] = "estatedesk.settings.test"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT / "site"))
    import django

    django.setup()


# --- steps, each run in its own process ---------------------------------------------------------
def step_setup(rows: int) -> dict:
    """Migrate, create the estate, its buildings and N houses, and a user."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from estates.factories import UserFactory
    from estates.models import Building, Estate, House

    estate = Estate.objects.create(name="和悦苑", code="HYY")
    buildings = Building.objects.bulk_create(
        [Building(estate=estate, name=f"{b + 1}栋") for b in range((rows + BUILDING_SIZE - 1) // BUILDING_SIZE)]
    )
    houses = [
        House(building=buildings[i // BUILDING_SIZE], unit="1", room=f"{i % BUILDING_SIZE:04d}", floor=1, area=88)
        for i in range(rows)
    ]
    House.objects.bulk_create(houses, batch_size=5000)
    UserFactory(username="bench", is_superuser=True, is_staff=True)
    return {}


def _clean_archives() -> None:
    from archives.models import Household, Person
    from django.db import connection

    tables = [Person.history.model._meta.db_table, Person._meta.db_table,
              Household.history.model._meta.db_table, Household._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f'TRUNCATE "{table}" CASCADE')
            else:
                cursor.execute(f'DELETE FROM "{table}"')


def _user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench")


def step_ours(path: str) -> dict:
    from archives.models import Household, Person
    from django.db import transaction
    from spreadsheets import engine, services
    from spreadsheets.models import ImportJob
    from spreadsheets.reading import SheetReader
    from spreadsheets.resources.archives import PersonResource
    from spreadsheets.resources.base import user_context

    _clean_archives()
    user = _user()
    # The undo log is written as in a real import (one ImportChange per record written).
    job = ImportJob.objects.create(user=user, target="archives.household", original_name="bench.xlsx")
    start = time.perf_counter()
    with open(path, "rb") as fileobj:
        result = engine.check(SheetReader(fileobj, "xlsx").rows(), PersonResource(), user_context(user, Household))
    checked = time.perf_counter()
    assert result.counts["invalid"] == 0, result.errors[:3]

    def record(*, created, changed):
        services.record_changes(job, created=created, changed=changed)

    with transaction.atomic():
        engine.write(result, Person, user=user, reason="bench.xlsx", on_saved=record)
    seconds = time.perf_counter() - start
    assert Person.objects.count() == result.counts["new"] == Person.history.count()
    return {"seconds": seconds, "check_seconds": checked - start, "rows": result.total}


def step_export(fmt: str) -> dict:
    from archives.models import Household, Person
    from spreadsheets import exports, writing
    from spreadsheets.registry import Bridge
    from spreadsheets.resources.archives import PersonResource

    bridge = Bridge(model=Household, resource=PersonResource)
    start = time.perf_counter()
    parts = exports.export_parts(bridge, Household.objects.all(), _user())
    data, _type = writing.export_bytes(fmt=fmt, **parts)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": Person.objects.count(), "mb": len(data) / 1e6}


def step_floor(path: str) -> dict:
    from archives.models import Household, Person
    from django.db import transaction
    from estates.models import House
    from openpyxl import load_workbook
    from simple_history.utils import bulk_create_with_history

    _clean_archives()
    user = _user()
    houses = {(h.building.name, h.unit, h.room): h.pk for h in House.objects.select_related("building")}
    # The floor gets the same treatment as (a): the cyclic garbage collector paused.
    gc.disable()
    start = time.perf_counter()
    workbook = load_workbook(path, read_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    next(rows)
    households, people = [], []
    for _estate, building, unit, room, name, _role, mobile, move_in in rows:
        household = Household(house_id=houses[(building, str(unit), room)])
        households.append(household)
        people.append(Person(household=household, name=name, role="owner", mobile=str(mobile), move_in=move_in))
    workbook.close()
    with transaction.atomic():
        for start_at in range(0, len(households), 1000):
            batch = households[start_at:start_at + 1000]
            bulk_create_with_history(batch, Household, batch_size=500, default_user=user, default_change_reason="floor")
            for person in people[start_at:start_at + 1000]:
                person.household_id = person.household.pk
            bulk_create_with_history(people[start_at:start_at + 1000], Person, batch_size=500, default_user=user,
                                     default_change_reason="floor")
    seconds = time.perf_counter() - start
    assert Person.objects.count() == len(people)
    return {"seconds": seconds, "rows": len(people)}


def _plain_resource():
    """What a django-import-export user writes for this file: a ModelResource of Household, the
    house found by a ForeignKeyWidget over the row's estate, building, unit and room (the
    documented ``get_lookup_kwargs`` override), the owner created after the household is saved."""
    from archives.models import Household, Person
    from estates.models import House
    from import_export import fields, resources, widgets

    class HouseWidget(widgets.ForeignKeyWidget):
        def get_lookup_kwargs(self, value, row, **kwargs):
            return {"building__estate__code": row["estate"], "building__name": row["building"],
                    "unit": str(row["unit"] or ""), "room": str(value)}

    class HouseholdResource(resources.ModelResource):
        house = fields.Field(attribute="house", column_name="room", widget=HouseWidget(House, field="room"))

        class Meta:
            model = Household
            fields = ("house",)
            import_id_fields = ("house",)

        def after_save_instance(self, instance, row, **kwargs):
            if not kwargs.get("dry_run"):
                Person.objects.create(household=instance, name=row["name"], role=row["role"] or "owner",
                                      mobile=str(row["mobile"] or ""), move_in=row["move_in"])

    return HouseholdResource()


def step_library(path: str) -> dict:
    import tablib
    from archives.models import Household, Person
    from spreadsheets.resources.archives import PersonResource
    from spreadsheets.resources.base import user_context

    _clean_archives()
    user = _user()
    start = time.perf_counter()
    with open(path, "rb") as fileobj:
        dataset = tablib.Dataset().load(fileobj.read(), format="xlsx")
    if os.environ.get("BENCH_LIBRARY") == "ours":
        resource = PersonResource()
        # The library matches columns by their exact header: the template's (translated) headers.
        columns = dict(resource.columns())
        dataset.headers = [columns[name].header for name in dataset.headers]
        resource.import_context = user_context(user, Household)
    else:
        resource = _plain_resource()
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    seconds = time.perf_counter() - start
    assert not result.has_errors() and not result.has_validation_errors()
    assert Person.objects.count() == len(dataset) == Household.objects.count() == Person.history.count()
    return {"seconds": seconds, "rows": len(dataset), "resource": type(resource).__name__}


STEPS = {"setup": step_setup, "ours": step_ours, "floor": step_floor, "library": step_library, "export": step_export}


def child(argv: list[str]) -> None:
    name, database_url, var, arg = argv
    django_setup(database_url, var)
    out = STEPS[name](int(arg) if name == "setup" else arg)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out))


def run_step(name: str, database_url: str, var: str, arg) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, database_url, var, str(arg)],
        capture_output=True, text=True, cwd=ROOT,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"step {name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


# --- the spreadsheet -----------------------------------------------------------------------------
def make_xlsx(path: Path, rows: int, *, shuffled: bool = False) -> None:
    """The owner list; ``shuffled``: in a random (seeded) order, as a real list sorted by name, ID
    or date is, not by building (issue 21: the house look-up must not depend on the order). The
    sheet declares its size in a ``<dimension>``, as Excel and WPS write it (openpyxl's write-only
    mode leaves it out), so a reader that trusts it, or one that must ignore it, shows its cost."""
    import datetime
    import random
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("业主")
    # Headers by column name (they are also accepted in Chinese and English).
    sheet.append(["estate", "building", "unit", "room", "name", "role", "mobile", "move_in"])
    order = list(range(rows))
    if shuffled:
        random.Random(21).shuffle(order)
    for i in order:
        sheet.append([
            "HYY", f"{i // BUILDING_SIZE + 1}栋", "1", f"{i % BUILDING_SIZE:04d}", f"业主{i}", "owner",
            f"139{i:08d}", datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1500),
        ])
    workbook.save(path)
    plain = path.with_suffix(".nodim.xlsx")
    path.rename(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # Right after <sheetPr>, where the schema puts it: A1 to the last column and row.
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="A1:H{rows + 1}" />'.encode(), 1)
                assert b"<dimension " in data
            target.writestr(info, data)
    plain.unlink()


def prepare_postgres() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS ed_bench_import")
            conn.execute("CREATE DATABASE ed_bench_import")
    except Exception as exc:  # PostgreSQL not running here
        print(f"PostgreSQL skipped: {exc}")
        return False
    return True


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--slice", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--skip-library", action="store_true", help="leave out (b), the slowest step")
    parser.add_argument("--library", choices=("plain", "ours"), default="plain",
                        help="(b)'s Resource: a plain ModelResource (default) or ours, with prepare() per row")
    parser.add_argument("--order", choices=("shuffled", "sorted"), default="shuffled",
                        help="row order of the file (default shuffled: the realistic case)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure (c) and (a) this many times, in alternating pairs; report the median ratio")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="estatedesk-bench-import-"))
    full, part = work / "households.xlsx", work / "slice.xlsx"
    make_xlsx(full, args.rows, shuffled=args.order == "shuffled")
    make_xlsx(part, min(args.slice, args.rows), shuffled=args.order == "shuffled")
    os.environ["BENCH_LIBRARY"] = args.library
    print(f"{args.rows:,} households with one owner each, {args.order}, with a <dimension> "
          f"({full.stat().st_size / 1e6:.1f} MB .xlsx); (b) {args.library} Resource on a "
          f"{min(args.slice, args.rows):,}-row slice, scaled", flush=True)
    for backend in args.backends.split(","):
        if backend == "sqlite":
            url = f"sqlite:///{work / 'bench.sqlite3'}"
        elif backend == "postgres":
            if not prepare_postgres():
                continue
            url = PG_URL
        else:
            raise SystemExit(f"unknown backend {backend}")
        var = str(work / f"var-{backend}")
        Path(var).mkdir(exist_ok=True)
        run_step("setup", url, var, args.rows)
        pairs = []
        for repeat in range(args.repeat):
            order = ("floor", "ours") if repeat % 2 == 0 else ("ours", "floor")
            pair = {name: run_step(name, url, var, full) for name in order}
            print(f"  [{backend}] (c) {pair['floor']}\n  [{backend}] (a) {pair['ours']}", flush=True)
            pairs.append(pair)
        pairs.sort(key=lambda p: p["ours"]["seconds"] / p["floor"]["seconds"])
        floor, ours = pairs[len(pairs) // 2]["floor"], pairs[len(pairs) // 2]["ours"]
        ours["peak_mb"] = max(p["ours"]["peak_mb"] for p in pairs)
        exported = {fmt: run_step("export", url, var, fmt) for fmt in ("xlsx", "csv")}
        print(f"  [{backend}] (d) {exported}", flush=True)
        library = None if args.skip_library else run_step("library", url, var, part)
        print(f"  [{backend}] (b) {library}", flush=True)
        print(f"\n[{backend}]")
        print(f"  (c) floor  : {floor['seconds']:7.1f} s  {floor['rows'] / floor['seconds']:8.0f} rows/s  peak {floor['peak_mb']:.0f} MB")
        print(f"  (a) ours   : {ours['seconds']:7.1f} s  {ours['rows'] / ours['seconds']:8.0f} rows/s  peak {ours['peak_mb']:.0f} MB"
              f"  (check {ours['check_seconds']:.1f} s)")
        if library is not None:
            scaled = library["seconds"] * args.rows / library["rows"]
            print(f"  (b) library: {scaled:7.1f} s  {library['rows'] / library['seconds']:8.0f} rows/s  peak {library['peak_mb']:.0f} MB"
                  f"  (measured {library['seconds']:.1f} s on {library['rows']:,} rows, {library['resource']})")
        for fmt, out in exported.items():
            print(f"  (d) export {fmt:4}: {out['seconds']:6.1f} s  {out['rows'] / out['seconds']:8.0f} rows/s  "
                  f"{out['mb']:.1f} MB file  peak {out['peak_mb']:.0f} MB  (target < 300 MB)")
        ratios = ", ".join(f"{p['ours']['seconds'] / p['floor']['seconds']:.2f}" for p in pairs)
        print(f"  (a)/(c) = {ours['seconds'] / floor['seconds']:.2f}  (target <= 1.5)"
              + (f"  median of {len(pairs)} pairs: {ratios}" if len(pairs) > 1 else ""))
        if library is not None:
            print(f"  (b)/(a) = {scaled / ours['seconds']:.1f}  (target >= 5)")
        print(f"  peak (a) = {ours['peak_mb']:.0f} MB  (target < 500; the highest of the runs)", flush=True)
        print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)", flush=True)


if __name__ == "__main__":
    main()
