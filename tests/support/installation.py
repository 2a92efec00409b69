"""Installations of their own for operation tests: a var folder, a database (SQLite in the folder,
or a PostgreSQL database created for the test), driven through manage.py in child processes, as
an operator would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"


def postgres_server_url() -> str | None:
    """The PostgreSQL server of this test run (DATABASE_URL), or None on a SQLite run."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class PostgresDatabases:
    """Creates empty databases next to the test database; drops them at the end."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.created: list[str] = []

    def _admin(self):
        import psycopg

        parts = urlparse(self.server_url)
        return psycopg.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
            password=parts.password, dbname="postgres", autocommit=True,
        )

    def create(self, label: str) -> str:
        name = f"estatedesk_op_{label}_{uuid.uuid4().hex[:8]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return urlunparse(urlparse(self.server_url)._replace(path=f"/{name}"))

    def drop_all(self) -> None:
        with self._admin() as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Installation:
    def __init__(self, folder: Path, database_url: str | None = None, **env):
        self.folder = folder
        self.var = folder / "var"
        self.database_url = database_url
        self.extra_env = env

    @property
    def env(self) -> dict:
        dropped = ("DATABASE_URL", "REDIS_URL", "REDIS_TEST_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_MEDIA_ROOT",
                   "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "TEST_PRIVATE_MEDIA_ROOT", "STATIC_ROOT", "PYTEST_XDIST_WORKER")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update({
            "DJANGO_SETTINGS_MODULE": "estatedesk.settings.dev", "ESTATEDESK_VAR_DIR": str(self.var),
            "PYTHONPATH": f"{SITE}{os.pathsep}{ROOT}", "LOG_LEVEL": "WARNING",
        })
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def manage(self, *args, timeout=600, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=SITE, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def python(self, code: str) -> str:
        """Run code with Django set up in this installation; returns its stdout."""
        return self.manage("shell", "-c", code).stdout

    def table_counts(self) -> dict[str, int]:
        out = self.python("import json; from estatedesk.operations import table_counts; print(json.dumps(table_counts()))")
        return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def postgres_databases():
    url = postgres_server_url()
    if url is None:
        pytest.skip("needs PostgreSQL (DATABASE_URL), as in the PostgreSQL stage of .ci/run")
    databases = PostgresDatabases(url)
    yield databases
    databases.drop_all()


POPULATE = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from bulletin.factories import NoticePageFactory, home_for
from estates import roles
from estates.factories import BuildingFactory, EstateFactory, HouseFactory, make_staff
from notifications.services import notify

estate = EstateFactory(name="和悦苑", code="HYY")
building = BuildingFactory(estate=estate, name="1栋")
houses = [HouseFactory(building=building, unit="1", room=f"{100 + n}", floor=1) for n in range(30)]
houses[0].area = 120
houses[0].save()  # a second history row
make_staff(role=roles.CLERK, estates=[estate], username="clerk")
make_staff(role=roles.ESTATE_MANAGER, estates=[estate], username="manager")
home_for(estate)
NoticePageFactory(estate=estate, title="停水通知", slug="water", body="<p>3栋明日停水</p>")
notify(to="13800138000", template="test_message", context={"name": "张三"}, channel="sms", key="populate:1")
default_storage.save("documents/contract.txt", ContentFile("合同".encode()))
print("populated")
"""


@pytest.fixture(scope="session")
def populated_sqlite(tmp_path_factory):
    """A SQLite installation, migrated and holding a little of everything (made once per run)."""
    installation = Installation(tmp_path_factory.mktemp("populated"))
    installation.manage("migrate", "--no-input", "-v0")
    assert "populated" in installation.python(POPULATE)
    return installation


#: Multi-process operation tests (child installations, consumers, make run) take minutes: they run
#: once per CI, in its PostgreSQL stage (DATABASE_URL set), or wherever RUN_OPERATION_TESTS=1.
operations = pytest.mark.skipif(
    not (postgres_server_url() or os.environ.get("RUN_OPERATION_TESTS") == "1"),
    reason="multi-process operation test: runs in the PostgreSQL stage of .ci/run (or RUN_OPERATION_TESTS=1)",
)
