"""One import per archive and estate at a time, under real concurrency (threads, each with its
own database connection): the same job confirmed from several tabs writes once; two jobs of the
same file confirmed at once never double the people. SQLite: see tests/lending/test_concurrency.py
for why the in-memory test database is copied to a file first."""

from __future__ import annotations

import contextlib
import sqlite3
import threading

import pytest
from archives.models import Person
from django.core.exceptions import ValidationError
from django.db import connection, connections
from estates.factories import BuildingFactory, HouseFactory
from spreadsheets import services
from spreadsheets.models import ImportJob, ImportLock
from spreadsheets.registry import get_bridge
from spreadsheets.resources.archives import PersonResource

from .conftest import xlsx_file

THREADS = 4
ROWS = 30


@pytest.fixture
def jobs(estate_a, clerk_a):
    building = BuildingFactory(estate=estate_a, name="5栋")
    houses = [HouseFactory(building=building, unit="1", room=f"{500 + i}", floor=5) for i in range(ROWS)]
    columns = dict(PersonResource().columns())
    header = [columns[n].header for n in ("estate", "building", "unit", "room", "name")]
    rows = [header] + [["HYY", "5栋", "1", h.room, f"同名{i}"] for i, h in enumerate(houses)]

    def make():
        return services.import_job_create(upload=xlsx_file(rows, name="同一文件.xlsx"),
                                          bridge=get_bridge("archives.household"), by=clerk_a)

    return make


def _confirm_at_once(targets, user, own_connection=None) -> list:
    user.has_perm("archives.add_person")
    barrier = threading.Barrier(len(targets))
    results, lock = [], threading.Lock()

    def worker(job_pk):
        if own_connection is not None:
            connections["default"] = own_connection()
        try:
            job = ImportJob.objects.get(pk=job_pk)
            barrier.wait(timeout=30)
            services.import_job_confirm(job=job, mode="all", by=user)
            outcome = ("ok", job_pk)
        except ValidationError as exc:
            outcome = ("refused", " ".join(exc.messages))
        except Exception as exc:  # anything else fails the test
            outcome = ("error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(pk,)) for pk in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@contextlib.contextmanager
def _on_database(tmp_path):
    """Yield (connection factory for the threads, a function running a check on their database)."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield None, lambda check: check()
        return
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "imports.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = {**connection.settings_dict, "NAME": str(path)}

    def factory():
        return DatabaseWrapper(settings_dict, "default")

    def on_copy(check):
        main = connections["default"]
        connections["default"] = factory()
        try:
            return check()
        finally:
            connections["default"].close()
            connections["default"] = main

    yield factory, on_copy


def _assert_written_once(results):
    assert not [r for r in results if r[0] == "error"], results
    assert Person.objects.count() == ROWS
    assert not ImportLock.objects.exists()  # every lock released


def test_same_job_confirmed_from_several_tabs_writes_once(transactional_db, jobs, clerk_a, tmp_path):
    job = jobs()
    assert job.status == ImportJob.Status.PREVIEW and job.counts["new"] == ROWS
    with _on_database(tmp_path) as (factory, on_copy):
        results = _confirm_at_once([job.pk] * THREADS, clerk_a, factory)

        def check():
            _assert_written_once(results)
            assert [r[0] for r in results].count("ok") == 1, results
            assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE

        on_copy(check)


def test_two_jobs_of_the_same_file_never_double_the_people(transactional_db, jobs, clerk_a, tmp_path):
    first, second = jobs(), jobs()
    assert first.counts["new"] == second.counts["new"] == ROWS
    with _on_database(tmp_path) as (factory, on_copy):
        results = _confirm_at_once([first.pk, second.pk], clerk_a, factory)

        def check():
            _assert_written_once(results)
            # The second either waited its turn and found every row there, or was refused.
            for outcome in results:
                if outcome[0] == "refused":
                    assert "正在进行" in outcome[1] or "in progress" in outcome[1] or "running" in outcome[1]

        on_copy(check)


def test_a_second_confirm_is_refused_while_the_first_runs(jobs, clerk_a):
    first, second = jobs(), jobs()
    # The first job's worker holds the lock (queued, not yet run).
    ImportJob.objects.filter(pk=first.pk).update(status=ImportJob.Status.QUEUED)
    ImportLock.objects.create(key=services.lock_keys(first)[0], job=first)
    with pytest.raises(ValidationError) as refused:
        services.import_job_confirm(job=second, mode="all", by=clerk_a)
    assert f"#{first.pk}" in " ".join(refused.value.messages)
    second.refresh_from_db()
    assert second.status == ImportJob.Status.PREVIEW and Person.objects.count() == 0
