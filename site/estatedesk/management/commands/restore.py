"""manage.py restore ARCHIVE: bring a backup back into an empty installation.

The database must be empty (never migrated, or migrated with no user and no estate) and the
media folders empty, unless --force. The archive's database engine must match the installation's;
to move from SQLite to PostgreSQL restore into SQLite, then run ``manage.py move_to_postgres``.
Row counts per table are compared with the archive's manifest afterwards.
"""

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from estatedesk.management.commands.backup import pg_env_and_url
from estatedesk.operations import installation_is_empty, media_folders, table_counts


class Command(BaseCommand):
    help = "Restore an archive written by `manage.py backup` into an empty installation."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="overwrite a database or media that are not empty")

    def handle(self, *args, archive, force=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            with tarfile.open(path, "r:gz") as tar:
                tar.extractall(workdir, filter="data")
            manifest_path = workdir / "manifest.json"
            if not manifest_path.is_file():
                raise CommandError("Not an estatedesk backup (no manifest.json).")
            manifest = json.loads(manifest_path.read_text())
            vendor = connection.vendor
            if manifest["database"] != vendor:
                raise CommandError(
                    f"The archive holds a {manifest['database']} database and this installation uses {vendor}: "
                    "restore it into a SQLite installation, then run `manage.py move_to_postgres`."
                )
            if not force and not installation_is_empty():
                raise CommandError("The database is not empty: restore into an empty installation, or use --force.")
            folders = media_folders()
            for folder in folders.values():
                if not force and folder.is_dir() and any(folder.iterdir()):
                    raise CommandError(f"The folder {folder} is not empty: use --force to replace it.")
            if vendor == "sqlite":
                self._restore_sqlite(workdir / "database.sqlite3")
            else:
                self._restore_postgresql(workdir / "database.pgdump")
            for name, folder in folders.items():
                source = workdir / name
                if source.is_dir():
                    if folder.exists():
                        shutil.rmtree(folder)
                    shutil.copytree(source, folder)
        counts = table_counts()
        different = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
        if different:
            raise CommandError(f"Row counts differ from the archive's (archive, restored): {different}")
        self.stdout.write(
            f"Restored {path.name}: {len(counts)} tables, {sum(counts.values())} rows, equal to the archive's."
        )

    def _restore_sqlite(self, dump: Path) -> None:
        name = Path(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(dump, name)

    def _restore_postgresql(self, dump: Path) -> None:
        db = settings.DATABASES["default"]
        connections.close_all()
        env, args = pg_env_and_url(db)
        # --clean drops what a previous `migrate` created, so a migrated empty database works too.
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
             *args, "-d", db["NAME"], str(dump)],
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
