"""Settings from the environment, and production settings that pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

from estatedesk.settings.base import database_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_default_database_is_sqlite_in_wal_with_immediate_transactions():
    db = database_from_env(None)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"].endswith("db.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql():
    db = database_from_env("postgres://u:p@db.internal:5433/estatedesk")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.internal", 5433, "estatedesk")
    assert "transaction_mode" not in db.get("OPTIONS", {})


def _run_manage(args, **env):
    # The browser tests' conftest allows the ORM inside Playwright's event loop; a deployment
    # never does, and `check --deploy` says so.
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT / "site", env=full_env,
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="estatedesk.settings.production",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-enough-0123456789",
        ESTATEDESK_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="desk.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run_manage(
        ["check"], DJANGO_SETTINGS_MODULE="estatedesk.settings.production",
        SECRET_KEY="", ESTATEDESK_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_redis_url_switches_queue_and_cache(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.HUEY['huey_class'], settings.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT / "site", capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "estatedesk.settings.dev",
             "REDIS_URL": "redis://127.0.0.1:6379/5", "ESTATEDESK_VAR_DIR": str(tmp_path)},
    )
    # Huey's Redis queue with one scheduler per tick; Django's Redis cache, fault tolerant.
    assert result.stdout.split() == ["estatedesk.queue.EstatedeskRedisHuey", "estatedesk.cache.FaultTolerantRedisCache"], result.stderr
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT / "site", capture_output=True, text=True, timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "estatedesk.settings.dev", "ESTATEDESK_VAR_DIR": str(tmp_path)},
    )
    assert result.stdout.split()[0] == "estatedesk.queue.EstatedeskSqliteHuey", result.stderr
