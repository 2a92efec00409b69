"""Large files as Huey jobs (immediate mode in tests): progress, result, restart of a dead job."""

import datetime

import pytest
from archives.models import Household, Person
from django.urls import reverse
from django.utils import timezone
from estates.factories import BuildingFactory
from estates.models import House
from spreadsheets import services
from spreadsheets.models import ImportJob
from spreadsheets.resources.archives import PersonResource

from .conftest import xlsx_file

KEY = "archives.household"


@pytest.fixture
def big_file(estate_a):
    building = BuildingFactory(estate=estate_a, name="8栋")
    House.objects.bulk_create([House(building=building, unit="", room=f"{i:03d}", floor=1, area=80) for i in range(12)])
    columns = dict(PersonResource().columns())
    rows = [[columns[n].header for n in ("estate", "building", "unit", "room", "name", "mobile")]]
    rows += [["HYY", "8栋", "", f"{i:03d}", f"住户{i}", f"1391111{i:04d}"] for i in range(12)]
    return lambda: xlsx_file(rows, name="大文件.xlsx")


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.SPREADSHEETS_ASYNC_THRESHOLD = 3
    settings.SPREADSHEETS_BATCH_SIZE = 5


def test_large_file_runs_as_job_with_progress_and_result(client_for, clerk_a, big_file, upload):
    client = client_for(clerk_a)
    upload(client, KEY, big_file())
    job = ImportJob.objects.get()
    assert job.is_async and job.status == ImportJob.Status.PREVIEW and job.counts["new"] == 12
    response = client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"}, follow=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.done == 12 and job.percent == 100
    assert Person.objects.count() == 12 and Household.objects.count() == 12
    assert "新增 12 条" in response.content.decode()
    data = client.get(reverse("spreadsheets:job_progress", args=[job.pk])).json()
    assert data["status"] == "done" and data["done"] == 12 and data["total"] == 12 and not data["running"]


def test_running_job_page_refreshes_itself_and_shows_progress(client_for, clerk_a, big_file, upload):
    client = client_for(clerk_a)
    upload(client, KEY, big_file())
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.IMPORTING, checked=12, done=6, started_at=timezone.now() - datetime.timedelta(seconds=9),
        heartbeat_at=timezone.now(),
    )
    html = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in html and 'value="75"' in html and "已写入 6 行" in html and "预计还需" in html
    data = client.get(reverse("spreadsheets:job_progress", args=[job.pk])).json()
    assert data["percent"] == 75 and data["running"] and not data["stale"]


class WorkerDied(BaseException):
    pass


def test_dead_worker_is_detected_and_restart_does_not_duplicate(client_for, clerk_a, big_file, upload, monkeypatch):
    client = client_for(clerk_a)
    upload(client, KEY, big_file())
    job = ImportJob.objects.get()
    real_beat = services._beat

    def dying_beat(job, **fields):
        if fields.get("done", 0) >= 10:
            raise WorkerDied
        real_beat(job, **fields)

    monkeypatch.setattr(services, "_beat", dying_beat)
    with pytest.raises(WorkerDied):
        client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"})
    monkeypatch.setattr(services, "_beat", real_beat)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING and Person.objects.count() == 5  # one batch committed
    assert not job.is_stale
    # Restarting a job that is still alive is refused.
    assert client.post(reverse("spreadsheets:job_restart", args=[job.pk])).status_code == 400
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    html = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "继续完成导入" in html and 'data-spreadsheet="undo"' in html and 'http-equiv="refresh"' not in html
    assert "已有 5 行写入" in html  # the rows already written
    assert client.get(reverse("spreadsheets:job_progress", args=[job.pk])).json()["stale"]
    client.post(reverse("spreadsheets:job_restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Person.objects.count() == 12 and Household.objects.count() == 12
    assert job.counts["new"] == 7 and job.counts["unchanged"] == 5
    assert Person.history.count() == 12


def test_jobs_are_private_to_their_user(client_for, clerk_a, supervisor_a, make_user, estate_a, big_file, upload):
    from estates.roles import CLERK

    upload(client_for(clerk_a), KEY, big_file())
    job = ImportJob.objects.get()
    # The estate's supervisor sees the job (to undo it) but may not confirm another's import.
    boss = client_for(supervisor_a)
    assert boss.get(reverse("spreadsheets:job", args=[job.pk])).status_code == 200
    assert boss.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"}).status_code in (302, 403)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    other = client_for(make_user(CLERK, [estate_a], username="clerk2"))
    assert other.get(reverse("spreadsheets:job", args=[job.pk])).status_code == 404
    assert other.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"}).status_code == 404
    assert other.get(reverse("spreadsheets:job_progress", args=[job.pk])).status_code == 404
