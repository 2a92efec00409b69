"""Cancel and undo: created records removed, changed records put back with history naming the
undo, refused row by row after a later edit; the window and who may; the field-level preview."""

import datetime

import pytest
from archives.factories import HouseholdFactory, PersonFactory, resident_id
from archives.models import Household, Person
from django.urls import reverse
from django.utils import timezone
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from spreadsheets import engine
from spreadsheets.models import ImportJob
from spreadsheets.registry import get_bridge
from spreadsheets.resources.archives import PersonResource
from spreadsheets.resources.base import user_context

from .conftest import xlsx_file

KEY = "archives.household"


def header(*names):
    columns = dict(PersonResource().columns())
    return [columns[n].header for n in names]


@pytest.fixture
def houses(estate_a):
    building = BuildingFactory(estate=estate_a, name="6栋")
    return [HouseFactory(building=building, unit="1", room=f"{600 + i}", floor=6) for i in range(1, 4)]


@pytest.fixture
def residents(houses):
    return [PersonFactory(household=HouseholdFactory(house=h), name=f"老住户{i}", mobile=f"1360000000{i}",
                          id_number=resident_id(40 + i)) for i, h in enumerate(houses[:2])]


def run(client, upload, rows):
    upload(client, KEY, xlsx_file(rows))
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.PREVIEW, (job.message, job.errors)
    response = client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    return job


def undo(client, job):
    return client.post(reverse("spreadsheets:job_undo", args=[job.pk]))


def test_undo_after_create_removes_people_and_their_new_households(client_for, clerk_a, houses, upload):
    client = client_for(clerk_a)
    job = run(client, upload, [header("estate", "building", "unit", "room", "name"),
                               ["HYY", "6栋", "1", "601", "新人甲"], ["HYY", "6栋", "1", "602", "新人乙"]])
    assert Person.objects.count() == 2 and Household.objects.count() == 2
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert 'data-spreadsheet="undo"' in page
    assert undo(client, job).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE and job.undo_counts == {"removed": 4, "restored": 0, "refused": 0}
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    deleted = Person.history.filter(history_type="-")
    assert deleted.count() == 2 and all(f"#{job.pk}" in h.history_change_reason and "撤销" in h.history_change_reason
                                        for h in deleted)
    # Twice is refused with a message, not a 500.
    assert undo(client, job).status_code == 400


def test_undo_after_change_puts_values_back(client_for, clerk_a, residents, upload):
    client = client_for(clerk_a)
    job = run(client, upload, [header("estate", "building", "unit", "room", "name", "mobile"),
                               ["HYY", "6栋", "1", "601", "老住户0", "13911112222"]])
    person = residents[0]
    person.refresh_from_db()
    assert person.mobile == "13911112222"
    undo(client, job)
    person.refresh_from_db()
    assert person.mobile == "13600000000"
    last = person.history.first()
    assert last.mobile == "13600000000" and f"#{job.pk}" in last.history_change_reason
    assert last.history_user_id == clerk_a.pk


def test_undo_refuses_a_record_changed_after_the_import(client_for, clerk_a, residents, upload):
    client = client_for(clerk_a)
    job = run(client, upload, [header("estate", "building", "unit", "room", "name", "mobile"),
                               ["HYY", "6栋", "1", "601", "老住户0", "13911112222"],
                               ["HYY", "6栋", "1", "602", "老住户1", "13933334444"]])
    edited = residents[1]
    edited.refresh_from_db()
    edited.notes = "前台后来补充"
    edited.save()
    undo(client, job)
    job.refresh_from_db()
    assert job.undo_counts == {"removed": 0, "restored": 1, "refused": 1}
    residents[0].refresh_from_db()
    edited.refresh_from_db()
    assert residents[0].mobile == "13600000000"
    assert edited.mobile == "13933334444" and edited.notes == "前台后来补充"
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "老住户1" in page and "导入后已被修改" in page


def test_who_may_undo_and_until_when(client_for, clerk_a, supervisor_a, make_user, estate_a, houses, upload, settings):
    job = run(client_for(clerk_a), upload, [header("estate", "building", "unit", "room", "name"),
                                            ["HYY", "6栋", "1", "601", "新人甲"]])
    other_clerk = client_for(make_user(roles.CLERK, [estate_a], username="clerk_other"))
    assert undo(other_clerk, job).status_code == 404
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    response = undo(client_for(supervisor_a), job)
    assert response.status_code == 400 and "不能撤销" in response.content.decode()
    settings.SPREADSHEETS_UNDO_DAYS = 10
    assert undo(client_for(supervisor_a), job).status_code == 302
    assert Person.objects.count() == 0


def test_cancel_in_preview_and_when_the_worker_died_but_not_when_done(client_for, clerk_a, houses, upload):
    client = client_for(clerk_a)
    rows = [header("estate", "building", "unit", "room", "name"), ["HYY", "6栋", "1", "601", "新人甲"]]
    upload(client, KEY, xlsx_file(rows))
    job = ImportJob.objects.latest("pk")
    assert client.post(reverse("spreadsheets:job_cancel", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"}).status_code == 400
    # A job whose worker died (importing, no heartbeat) can be cancelled.
    upload(client, KEY, xlsx_file(rows))
    stuck = ImportJob.objects.latest("pk")
    ImportJob.objects.filter(pk=stuck.pk).update(status=ImportJob.Status.IMPORTING,
                                                 heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
    assert client.post(reverse("spreadsheets:job_cancel", args=[stuck.pk])).status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == ImportJob.Status.CANCELLED
    done = run(client, upload, rows)
    response = client.post(reverse("spreadsheets:job_cancel", args=[done.pk]))
    assert response.status_code == 400 and "撤销" in response.content.decode()


def test_a_stopped_worker_is_shown_within_a_minute(settings):
    job = ImportJob(status=ImportJob.Status.IMPORTING, heartbeat_at=timezone.now() - datetime.timedelta(seconds=50))
    assert job.is_stale
    job.heartbeat_at = timezone.now() - datetime.timedelta(seconds=20)
    assert not job.is_stale


def test_field_level_preview_old_and_new_masked_for_masked_roles(client_for, clerk_a, residents, upload):
    rows = [header("estate", "building", "unit", "room", "name", "mobile"),
            ["HYY", "6栋", "1", "601", "老住户0", "13911112222"], ["HYY", "6栋", "1", "603", "新人丙", "13755556666"]]
    upload(client_for(clerk_a), KEY, xlsx_file(rows))
    job = ImportJob.objects.latest("pk")
    changed = job.preview["changed"][0]
    assert changed["row"] == 2 and ["手机号", "13600000000", "13911112222"] in [list(f) for f in changed["fields"]]
    assert job.preview["new"][0]["row"] == 3 and ["姓名", "新人丙"] in job.preview["new"][0]["values"]
    page = client_for(clerk_a).get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert 'data-spreadsheet="preview-changed"' in page and "13911112222" in page
    # A role without personal-data access sees the same preview masked.
    ctx = user_context(clerk_a, Person)
    ctx.can_view_personal = False
    bridge = get_bridge(KEY)
    result = engine.check(iter(rows), bridge.get_resource(), ctx, keep_instances=False)
    fields = [list(f) for f in result.preview["changed"][0]["fields"]]
    assert ["手机号", "136****0000", "139****2222"] in fields
