"""Browser journey of a spreadsheet import: a clerk downloads the template from the household
listing, fills it, uploads it, reads the preview and confirms; then a large file goes to the
background and she follows its progress bar to the result."""

import types

import pytest
from archives.models import Person
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from openpyxl import load_workbook
from spreadsheets import services
from spreadsheets.models import ImportJob

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class WorkerDied(BaseException):
    pass


def test_template_fill_upload_preview_confirm_and_progress_of_a_large_file(
    page, live_server, admin_login, make_user, estate_a, settings, tmp_path, monkeypatch
):
    settings.SPREADSHEETS_ASYNC_THRESHOLD = 5
    settings.SPREADSHEETS_BATCH_SIZE = 5
    settings.MEDIA_ROOT = str(tmp_path / "media")
    building = BuildingFactory(estate=estate_a, name="6栋")
    for i in range(15):
        HouseFactory(building=building, unit="1", room=f"{601 + i}", floor=6)
    make_user(roles.CLERK, [estate_a], username="e2e_sheet_clerk")
    admin_login(page, "e2e_sheet_clerk")

    # From the household listing to the import page; the template comes from there.
    page.goto(live_server.url + reverse("wagtailsnippets_archives_household:list"))
    page.click("[data-spreadsheet=import]")
    page.wait_for_selector("[data-spreadsheet=upload]")
    with page.expect_download() as download_info:
        page.click("a[data-spreadsheet=template]")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    def fill(rows, name):
        workbook = load_workbook(template)
        sheet = workbook.worksheets[0]
        header = [c.value for c in sheet[1]]
        for row in rows:
            sheet.append([row.get(h, "") for h in header])
        path = tmp_path / name
        workbook.save(path)
        return path

    def person(i):
        return {"小区代码": "HYY", "楼栋": "6栋", "单元": "1", "房号": str(601 + i), "姓名": f"住户{i}",
                "手机号": f"139 0000 {i:04d}"}

    # A small file: preview, then confirm.
    header = [c.value for c in load_workbook(template).worksheets[0][1]]
    assert {"小区代码", "楼栋", "房号", "姓名", "手机号"} <= set(header)
    page.set_input_files("input[type=file]", str(fill([person(i) for i in range(3)], "三户.xlsx")))
    page.click("[data-spreadsheet=upload]")
    page.wait_for_selector("[data-spreadsheet=counts]")
    assert page.inner_text("[data-count=new] strong") == "3"
    assert page.inner_text("[data-count=invalid] strong") == "0"
    page.click("[data-spreadsheet=confirm]")
    page.wait_for_selector("[data-spreadsheet=result]")
    assert Person.objects.count() == 3

    # A large file goes to the background. The worker is played by this test in two steps, so the
    # page shows the bar part-way, then the result.
    class _ParkedTask:
        """Stands in for the Huey task: the job is queued and nothing runs it yet."""

        huey = types.SimpleNamespace(immediate=True)

        def __call__(self, pk):
            return None

    monkeypatch.setattr("spreadsheets.tasks.run_import_job", _ParkedTask())
    page.goto(live_server.url + reverse("spreadsheets:import", args=["archives.household"]))
    page.set_input_files("input[type=file]", str(fill([person(i) for i in range(3, 15)], "十二户.xlsx")))
    page.click("[data-spreadsheet=upload]")
    page.wait_for_selector("[data-spreadsheet=counts]")
    assert page.inner_text("[data-count=new] strong") == "12"
    page.click("[data-spreadsheet=confirm]")
    page.wait_for_selector("[data-spreadsheet=progress]")
    job = ImportJob.objects.latest("pk")
    assert job.is_async and job.status == ImportJob.Status.QUEUED

    real_beat = services._beat

    def dying_beat(job, **fields):
        if fields.get("done", 0) >= 10:
            raise WorkerDied
        real_beat(job, **fields)

    monkeypatch.setattr(services, "_beat", dying_beat)
    with pytest.raises(WorkerDied):
        services.import_job_run(job=ImportJob.objects.get(pk=job.pk))
    monkeypatch.setattr(services, "_beat", real_beat)
    page.reload()
    bar = page.locator("[data-spreadsheet=progress]")
    value = int(bar.get_attribute("value"))
    assert 0 < value < 100
    assert "已写入 5 行" in page.inner_text("[data-spreadsheet=progress-text]")

    services.import_job_run(job=ImportJob.objects.get(pk=job.pk))
    # The page polls the JSON endpoint and reloads itself when the job is done.
    page.wait_for_selector("[data-spreadsheet=result]", timeout=20_000)
    assert Person.objects.count() == 15


def test_field_level_preview_confirm_and_undo(page, live_server, admin_login, make_user, estate_a, settings, tmp_path):
    """A clerk re-imports a list in which one owner's mobile changed and one resident is new: the
    preview shows the old and new mobile, she confirms, then undoes the import from its page."""
    from archives.factories import HouseholdFactory, PersonFactory
    from openpyxl import Workbook

    settings.MEDIA_ROOT = str(tmp_path / "media")
    building = BuildingFactory(estate=estate_a, name="9栋")
    houses = [HouseFactory(building=building, unit="1", room=f"{901 + i}", floor=9) for i in range(2)]
    owner = PersonFactory(household=HouseholdFactory(house=houses[0]), name="马建华", mobile="13800000001")
    make_user(roles.CLERK, [estate_a], username="e2e_undo_clerk")
    admin_login(page, "e2e_undo_clerk")

    workbook = Workbook()
    workbook.active.append(["小区代码", "楼号", "单元", "房间号", "业主姓名", "手机号码", "身份证号码"])
    workbook.active.append(["HYY", "9栋", "1", "901", "马建华", "13811112222", owner.id_number])
    workbook.active.append(["HYY", "9栋", "1", "902", "新住户", "13933334444", ""])
    path = tmp_path / "名单.xlsx"
    workbook.save(path)

    page.goto(live_server.url + reverse("spreadsheets:import", args=["archives.household"]))
    page.set_input_files("input[type=file]", str(path))
    page.click("[data-spreadsheet=upload]")
    page.wait_for_selector("[data-spreadsheet=preview-changed]")
    changed = page.inner_text("[data-spreadsheet=preview-changed]")
    assert "13800000001" in changed and "13811112222" in changed
    assert "新住户" in page.inner_text("[data-spreadsheet=preview-new]")
    page.click("[data-spreadsheet=confirm]")
    page.wait_for_selector("[data-spreadsheet=result]")
    owner.refresh_from_db()
    assert owner.mobile == "13811112222" and Person.objects.count() == 2

    page.click("[data-spreadsheet=undo]")
    page.wait_for_selector("[data-spreadsheet=undone]")
    owner.refresh_from_db()
    assert owner.mobile == "13800000001" and Person.objects.count() == 1
    assert ImportJob.objects.latest("pk").status == ImportJob.Status.UNDONE
