"""manage.py backup: one consistent archive of the installation (database and media).

The database is copied with SQLite's online backup API (a consistent snapshot while the site
keeps writing) or with ``pg_dump`` on PostgreSQL; the media folders are added as they are.
``manage.py restore ARCHIVE`` brings it back into an empty installation.
"""

import json
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from estatedesk.operations import media_folders, table_counts

FORMAT = 1


def pg_env_and_url(db: dict) -> tuple[dict, list[str]]:
    """Connection arguments of pg_dump/pg_restore, the password through the environment."""
    import os

    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", db.get("HOST") or "localhost", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    return env, args


class Command(BaseCommand):
    help = "Write a consistent archive of the database and the media folders (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="archive path (default: var/backups/estatedesk-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"estatedesk-{stamp}.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        vendor = connection.vendor
        counts = table_counts()
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
            if vendor == "sqlite":
                self._sqlite_backup(dump)
            elif vendor == "postgresql":
                self._pg_dump(dump)
            else:
                raise CommandError(f"backup does not support the {vendor} database")
            manifest = {
                "format": FORMAT, "created_at": timezone.now().isoformat(), "database": vendor,
                "counts": counts, "media": sorted(media_folders()),
            }
            with tarfile.open(target, "w:gz") as archive:
                archive.add(dump, arcname=dump.name)
                for name, folder in media_folders().items():
                    if folder.is_dir():
                        archive.add(folder, arcname=name)
                manifest_path = Path(tmp) / "manifest.json"
                manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
                archive.add(manifest_path, arcname="manifest.json")
        rows = sum(counts.values())
        self.stdout.write(f"Backup written: {target} ({vendor}, {len(counts)} tables, {rows} rows)")
        return None

    def _sqlite_backup(self, dump: Path) -> None:
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        destination = sqlite3.connect(dump)
        try:
            with destination:
                source.backup(destination)  # the online backup API: consistent while others write
        finally:
            destination.close()
            source.close()

    def _pg_dump(self, dump: Path) -> None:
        db = settings.DATABASES["default"]
        env, args = pg_env_and_url(db)
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", *args, "-f", str(dump), db["NAME"]],
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
