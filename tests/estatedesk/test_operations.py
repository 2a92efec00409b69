"""Backup → restore into an empty installation, and SQLite → PostgreSQL, with row counts per
table equal (history included), through the management commands an operator runs."""

import io
import shutil

import pytest
from bulletin.models import BulletinHomePage
from django.core.management import call_command
from estates.factories import EstateFactory
from estates.models import Estate

from tests.support.installation import Installation, operations


def _copy(installation: Installation, folder) -> Installation:
    shutil.copytree(installation.var, folder / "var")
    return Installation(folder, installation.database_url)


@operations
def test_backup_then_restore_into_an_empty_sqlite_installation(populated_sqlite, tmp_path):
    source = _copy(populated_sqlite, tmp_path / "source")
    archive = tmp_path / "backup.tar.gz"
    assert "Backup written" in source.manage("backup", "--output", str(archive)).stdout
    counts = source.table_counts()
    assert counts["estates_historicalhouse"] >= 31 and counts["notifications_message"] == 1

    empty = Installation(tmp_path / "empty")
    restored = empty.manage("restore", str(archive))
    assert "equal to the archive's" in restored.stdout
    assert empty.table_counts() == counts
    assert (empty.var / "media" / "documents" / "contract.txt").read_text() == "合同"
    # A second restore would overwrite data: refused with a clear message.
    again = empty.manage("restore", str(archive), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_restore_refuses_an_archive_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    import tarfile

    with tarfile.open(bogus, "w:gz"):
        pass
    result = Installation(tmp_path / "empty").manage("restore", str(bogus), check=False)
    assert result.returncode != 0 and "Not an estatedesk backup" in result.stderr


@pytest.mark.postgres
def test_move_sqlite_to_postgresql_then_backup_and_restore_there(populated_sqlite, postgres_databases, tmp_path):
    source = _copy(populated_sqlite, tmp_path / "source")
    counts = source.table_counts()
    target_url = postgres_databases.create("move")
    moved = source.manage("move_to_postgres", target_url)
    assert "Row counts equal" in moved.stdout

    on_postgres = Installation(source.folder, target_url)
    assert on_postgres.table_counts() == counts
    # Sequences follow the copied keys, and the search index was rebuilt.
    check = on_postgres.python(
        "from estates.factories import EstateFactory; from wagtail.models import Page; "
        "from wagtail.search.models import IndexEntry; EstateFactory(code='NEW'); "
        "print(Page.objects.live().search('停水通知').count(), IndexEntry.objects.count() > 0)"
    )
    assert check.split()[-2:] == ["1", "True"]

    archive = tmp_path / "pg.tar.gz"
    on_postgres.manage("backup", "--output", str(archive))
    restored = Installation(tmp_path / "restored", postgres_databases.create("restored"))
    assert "equal to the archive's" in restored.manage("restore", str(archive)).stdout
    assert restored.table_counts()["estates_estate"] == counts["estates_estate"] + 1


@pytest.mark.django_db
def test_natural_keys_dump_and_load_back(tmp_path):
    EstateFactory(name="和悦苑", code="HYY")
    out = io.StringIO()
    call_command("dumpdata", "estates.estate", natural_foreign=True, natural_primary=True, stdout=out)
    # An estate's bulletin tree protects it (estates get their pages when created): remove it first.
    for home in BulletinHomePage.objects.all():
        home.delete()
    Estate.objects.all().delete()
    path = tmp_path / "estates.json"
    path.write_text(out.getvalue())
    call_command("loaddata", path, verbosity=0)
    assert Estate.objects.get(code="HYY").name == "和悦苑"
    call_command("loaddata", path, verbosity=0)  # a second load updates by natural key
    assert Estate.objects.filter(code="HYY").count() == 1
