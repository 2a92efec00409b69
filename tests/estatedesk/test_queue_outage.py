"""A failing queue must not turn a button into a 500. Huey is put on a Redis of the test's own,
which is stopped and restarted during the test; a "worker" here is ``drain()``, which takes the
queued tasks off Redis and runs them, as a consumer would.

With the queue down: "issue bills" issues them in the request and says so; a large import's
upload, confirm and finish and a large export answer with their job page, which says the job
waits for the queue; "run the sweep now" answers. Nothing is lost: once Redis is back, the
frequent sweep queues the recorded jobs again and a worker finishes them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from archives.models import Person
from django.urls import reverse
from django.utils import timezone
from estatedesk import queue, sweeps
from estatedesk.models import DeferredTask
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import House
from fees.factories import FeeItemFactory, FeeRateFactory
from fees.models import Bill, FeeItem
from huey.contrib import djhuey
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage
from redis import ConnectionPool
from spreadsheets.models import ExportJob, ImportJob
from spreadsheets.resources.archives import PersonResource
from spreadsheets.tasks import check_import_job, run_export_job, run_import_job

from tests.spreadsheets.conftest import xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_queue(redis_server, monkeypatch):
    """Huey on the test's own Redis, not in immediate mode, for the length of the test."""
    pool = ConnectionPool.from_url(redis_server.url, socket_connect_timeout=0.5, socket_timeout=2)
    storage = RedisStorage(HUEY.name, connection_pool=pool)
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", storage)
    # A real worker closes its database connection around each task; here the "worker" shares the
    # test's connection, whose transaction must survive (it holds the test's rows).
    monkeypatch.setattr(djhuey, "close_old_connections", lambda: None)
    return redis_server


def drain() -> int:
    """Run what is queued, as a worker would; returns how many tasks ran."""
    ran = 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        ran += 1
    return ran


def restart(server) -> None:
    server.start()
    HUEY.storage.conn.connection_pool.disconnect()  # the old sockets died with the server


@pytest.fixture(autouse=True)
def _small_jobs(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SPREADSHEETS_ASYNC_THRESHOLD = 3
    settings.SPREADSHEETS_BATCH_SIZE = 5
    settings.SPREADSHEETS_EXPORT_THRESHOLD = 3


@pytest.fixture
def big_file(estate_a):
    building = BuildingFactory(estate=estate_a, name="8栋")
    House.objects.bulk_create([House(building=building, unit="", room=f"{i:03d}", floor=1, area=80) for i in range(12)])
    columns = dict(PersonResource().columns())
    rows = [[columns[n].header for n in ("estate", "building", "unit", "room", "name", "mobile")]]
    rows += [["HYY", "8栋", "", f"{i:03d}", f"住户{i}", f"1391111{i:04d}"] for i in range(12)]
    return xlsx_file(rows, name="大文件.xlsx")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_issue_bills_with_the_queue_down_issues_them_in_the_request(client_for, make_user, estate_a, redis_queue):
    item = FeeItemFactory(estate=estate_a, name="物业服务费", kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA,
                          applies_to_use=House.Use.RESIDENTIAL)
    FeeRateFactory(fee_item=item, amount=Decimal("2.5000"), valid_from=dt.date(2020, 1, 1))
    HouseFactory(building=BuildingFactory(estate=estate_a), area=Decimal("100.00"), use=House.Use.RESIDENTIAL)
    client = client_for(make_user(roles.SUPERVISOR, [estate_a], username="supervisor_q"))
    form = {"estate": estate_a.pk, "period": "2026-01"}

    # Queue up: queued as usual, issued by the worker.
    assert client.post("/admin/fees/issue/", form).status_code == 302
    assert Bill.objects.count() == 0
    assert drain() == 1 and Bill.objects.count() == 1

    redis_queue.stop()
    form["period"] = "2026-02"
    response = client.post("/admin/fees/issue/", form, follow=True)
    assert response.status_code == 200
    assert Bill.objects.count() == 2  # issued in the request
    assert "任务队列暂时不可用" in response.content.decode()
    assert not DeferredTask.objects.exists()


def test_large_import_and_export_wait_for_the_queue_and_finish_when_it_is_back(
    client_for, make_user, clerk_a, estate_a, big_file, redis_queue
):
    client = client_for(clerk_a)
    redis_queue.stop()

    # Upload: the job page, saying the job waits for the queue.
    response = client.post(reverse("spreadsheets:import", args=["archives.household"]), {"file": big_file})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("spreadsheets:job", args=[job.pk])
    assert job.is_async and job.status == ImportJob.Status.VALIDATING
    assert queue.is_deferred(check_import_job, job.pk)
    assert 'data-spreadsheet="queue-waiting"' in _page(client, response.url)

    # "Run the sweep now" with the queue still down: it answers, and the job stays recorded.
    manager = client_for(make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_q"))
    assert manager.post("/admin/sweeps/", {}, follow=True).status_code == 200
    assert queue.is_deferred(check_import_job, job.pk)

    # Back: the next frequent sweep queues it, a worker checks the file.
    restart(redis_queue)
    assert sweeps.run_frequent_sweep(fees_daily=False)["tasks_requeued"] == 1
    assert not DeferredTask.objects.exists()
    assert drain() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and job.counts["new"] == 12

    # Confirm with the queue down: recorded, not lost.
    redis_queue.stop()
    response = client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and queue.is_deferred(run_import_job, job.pk)
    assert 'data-spreadsheet="queue-waiting"' in _page(client, reverse("spreadsheets:job", args=[job.pk]))

    # Presumed dead a while later, "finish" while still down: answers, and records nothing twice.
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert client.post(reverse("spreadsheets:job_restart", args=[job.pk])).status_code == 302
    assert DeferredTask.objects.count() == 1

    # A large export with the queue down: its job page says it waits.
    for i in range(4):
        PersonFactory(household=HouseholdFactory(house=HouseFactory(building=BuildingFactory(estate=estate_a))),
                      name=f"导出{i}")
    people_before = Person.objects.count()
    response = client.get(reverse("spreadsheets:export", args=["archives.person"]) + "?format=xlsx")
    export = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("spreadsheets:export_job", args=[export.pk])
    assert queue.is_deferred(run_export_job, export.pk)
    assert 'data-spreadsheet="queue-waiting"' in _page(client, response.url)

    # Back: the sweep (here the manager's button) queues both, a worker does them.
    restart(redis_queue)
    page = manager.post("/admin/sweeps/", {}, follow=True)
    assert page.status_code == 200 and not DeferredTask.objects.exists()
    assert drain() == 2
    job.refresh_from_db()
    export.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.done == 12
    assert Person.objects.count() == people_before + 12
    assert export.status == ExportJob.Status.DONE
    assert 'data-spreadsheet="queue-waiting"' not in _page(client, reverse("spreadsheets:job", args=[job.pk]))


def test_enqueue_falls_back_only_when_the_storage_fails(redis_queue):
    """The helper itself: queued when up; when down, recorded once however often it is asked."""
    assert queue.enqueue(check_import_job, 999_999) == queue.QUEUED
    assert HUEY.pending_count() == 1
    redis_queue.stop()
    assert queue.enqueue(check_import_job, 999_999) == queue.DEFERRED
    assert queue.enqueue(check_import_job, 999_999) == queue.DEFERRED
    assert DeferredTask.objects.get().args == [999_999]


def test_a_frozen_redis_fails_the_enqueue_in_seconds_instead_of_hanging(redis_server, monkeypatch):
    """A Redis that accepts connections but never answers (SIGSTOP) must not hang the request:
    the production Huey class puts socket timeouts on its connections, and enqueue falls back."""
    import threading
    import time

    from estatedesk.settings.base import _HUEY_COMMON

    config = {k: v for k, v in _HUEY_COMMON.items() if k not in ("consumer", "name")}
    frozen_huey = queue.EstatedeskRedisHuey("frozen-test", url=redis_server.url, **config)
    called = []

    @frozen_huey.task()
    def bounded_work(n):
        called.append(n)

    bounded_work(0)  # reachable: queued (and never run here)
    assert len(frozen_huey) == 1 and called == []
    redis_server.pause()
    outcome = []
    # In a thread, so that a hang fails the test instead of blocking the run.
    worker = threading.Thread(target=lambda: outcome.append(queue.enqueue(bounded_work, 1, fallback=queue.LOCAL)),
                              daemon=True)
    try:
        started = time.monotonic()
        worker.start()
        worker.join(queue.REDIS_SOCKET_TIMEOUT + 5)
        assert not worker.is_alive(), "enqueue hung on a frozen Redis"
        assert time.monotonic() - started < queue.REDIS_SOCKET_TIMEOUT + 3
        assert outcome == [queue.RAN_HERE] and called == [1]
    finally:
        redis_server.resume()
