"""manage.py move_to_postgres URL: move this (SQLite) installation into an empty PostgreSQL database.

1. ``migrate`` the target (in a child process whose DATABASE_URL is the target, so that every
   post-migrate handler writes there and nowhere else);
2. empty every table the migrations filled (content types, permissions, the root page, the
   collections...) and copy every table of the source with its primary keys, history and
   many-to-many tables included, in one transaction (PostgreSQL checks the foreign keys at commit);
3. reset the sequences, rebuild the search index (``update_index``), compare row counts per table.
Then point DATABASE_URL at the target. The media folders stay where they are.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connections, transaction

from estatedesk.operations import copied_models, table_counts
from estatedesk.settings.base import database_from_env

TARGET = "move_target"
BATCH = 1000


def _child_env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DATABASE_URL"] = url
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "estatedesk.settings.dev"))
    return env


class Command(BaseCommand):
    help = "Move this SQLite installation into an empty PostgreSQL database (URL), counts checked."

    def add_arguments(self, parser):
        parser.add_argument("url", help="postgres://user:password@host:5432/name (an empty database)")

    def handle(self, *args, url, **options):
        if connections["default"].vendor != "sqlite":
            raise CommandError("The installation to move must be on SQLite (the embedded default).")
        target_settings = database_from_env(url)
        if target_settings["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("The target must be a postgres:// URL.")
        self._run_manage(url, "migrate", "--no-input", "-v0")
        connections.settings[TARGET] = target_settings
        connections.configure_settings(connections.settings)
        try:
            self._copy()
            self._run_manage(url, "update_index")
            self._compare()
        finally:
            connections[TARGET].close()
            del connections.settings[TARGET]
        self.stdout.write(self.style.SUCCESS(
            "Moved. Now set DATABASE_URL to the target and restart the web and worker processes."
        ))

    def _run_manage(self, url, *command):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=settings.SITE_DIR, env=_child_env(url),
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"`manage.py {' '.join(command)}` on the target failed:\n{result.stderr[-3000:]}")

    def _copy(self):
        target = connections[TARGET]
        models = list(copied_models())
        with transaction.atomic(using=TARGET):
            tables = target.introspection.table_names()
            flush = target.ops.sql_flush(no_style(), tables, allow_cascade=True)
            with target.cursor() as cursor:
                for sql in flush:
                    cursor.execute(sql)
                for model in models:
                    copied = self._copy_table(model, cursor, target)
                    if copied:
                        self.stdout.write(f"  {model._meta.db_table}: {copied}")
                for sql in target.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)

    def _copy_table(self, model, cursor, target) -> int:
        fields = model._meta.local_concrete_fields  # a child table of multi-table inheritance holds only its own
        quote = target.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        # values_list applies the source's converters (booleans, dates, JSON); get_db_prep_save
        # adapts them for PostgreSQL without running pre_save (auto_now would rewrite history).
        rows = model._base_manager.using("default").order_by("pk").values_list(*[f.attname for f in fields])
        batch, total = [], 0
        for row in rows.iterator(chunk_size=BATCH):
            batch.append(tuple(f.get_db_prep_save(v, connection=target) for f, v in zip(fields, row, strict=True)))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
        return total

    def _compare(self):
        source, target = table_counts("default"), table_counts(TARGET)
        different = {t: (n, target.get(t)) for t, n in source.items() if target.get(t) != n}
        if different:
            raise CommandError(f"Row counts differ (SQLite, PostgreSQL): {different}")
        self.stdout.write(f"Row counts equal in {len(source)} tables ({sum(source.values())} rows).")
