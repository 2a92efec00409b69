"""Set up Django for a benchmark script: its own temporary var/ dir (SQLite file, queue, media),
or the database of DATABASE_URL. Import this first: `from _django import setup; setup()`."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(*, settings: str = "estatedesk.settings.dev") -> Path:
    var = Path(tempfile.mkdtemp(prefix="estatedesk-bench-"))
    os.environ.setdefault("ESTATEDESK_VAR_DIR", str(var))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    sys.path.insert(0, str(ROOT / "site"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return var


def prepare_pg(url: str) -> None:
    """A fresh scratch PostgreSQL database at ``url`` (dropped first if it exists)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_pg(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
