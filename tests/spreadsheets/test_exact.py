"""Files nobody here wrote: exact CSV, WPS sheet sizes, same-name people, staff's headers, long
cells, and every export of ours coming back as "unchanged"."""

import csv
import io
import re
import zipfile

import pytest
from archives.factories import (
    DocumentFactory,
    HouseholdFactory,
    KeyFactory,
    PersonFactory,
    VehicleFactory,
    resident_id,
)
from archives.models import Document, Person
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from estates.factories import BuildingFactory, HouseFactory
from spreadsheets import registry
from spreadsheets.models import ImportJob
from spreadsheets.reading import SheetReader
from spreadsheets.resources.archives import PersonResource

from .conftest import content_of, xlsx_file

KEY = "archives.household"
NOTE = '业主说"下周二上午"来办手续,电话确认'
NASTY = ['=HYPERLINK("http://x","点")', '+86 138', "-1", "@SUM(A1)", '他说"好的",\n第二行', "，全角，逗号＂引号＂", "１２３"]


def person_headers(*names):
    columns = dict(PersonResource().columns())
    return [columns[n].header for n in names]


def last_job():
    return ImportJob.objects.latest("pk")


@pytest.fixture
def houses(estate_a):
    building = BuildingFactory(estate=estate_a, name="1栋")
    return [HouseFactory(building=building, unit="1", room=f"{1100 + i}", floor=11) for i in range(1, 13)]


def test_csv_quotes_commas_and_doubled_quotes_on_ten_rows_or_more(client_for, clerk_a, houses, upload):
    header = person_headers("estate", "building", "unit", "room", "name", "notes")
    rows = [header] + [["HYY", "1栋", "1", h.room, f"住户{i}", NOTE] for i, h in enumerate(houses)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload(client_for(clerk_a), KEY, SimpleUploadedFile("p.csv", buffer.getvalue().encode("utf-8")))
    job = last_job()
    assert job.counts["new"] == 12 and job.counts["invalid"] == 0, job.errors
    client_for(clerk_a).post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"})
    assert set(Person.objects.values_list("notes", flat=True)) == {NOTE}


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_semicolon_and_tab(delimiter):
    text = delimiter.join(["小区代码", "备注"]) + "\r\n" + delimiter.join(["HYY", '"a, b; c"']) + "\r\n"
    rows = list(SheetReader(SimpleUploadedFile("a.csv", text.encode()), "csv").rows())
    assert rows == [("小区代码", "备注"), ("HYY", "a, b; c")]


def test_gb18030_with_four_byte_characters(client_for, clerk_a, houses, upload):
    header = person_headers("estate", "building", "unit", "room", "name")
    rows = [header, ["HYY", "1栋", "1", houses[0].room, "𠮷野家"], ["HYY", "1栋", "1", houses[1].room, "陈䶮"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload(client_for(clerk_a), KEY, SimpleUploadedFile("p.csv", buffer.getvalue().encode("gb18030")))
    job = last_job()
    assert job.counts["new"] == 2, job.errors
    client_for(clerk_a).post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"})
    assert set(Person.objects.values_list("name", flat=True)) == {"𠮷野家", "陈䶮"}


def _with_dimension(data: bytes, ref: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), content)
                assert n == 1
            target.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize("ref", ["A1", "A1:N2", "A1:B2"])
def test_declared_sheet_size_is_never_trusted(client_for, clerk_a, estate_a, upload, ref):
    building = BuildingFactory(estate=estate_a, name="2栋")
    HouseFactory.create_batch(1, building=building)
    header = ["小区代码", "楼栋", "单元", "楼层", "房号", "建筑面积(m²)", "状态", "用途"]
    rows = [header] + [["HYY", "2栋", "1", 3, f"{300 + i}", 88.5, "空置", "住宅"] for i in range(1, 302)]
    data = _with_dimension(xlsx_file(rows, name="wps.xlsx").read(), ref)
    assert SheetReader(SimpleUploadedFile("wps.xlsx", data), "xlsx").count_rows() == 302
    upload(client_for(clerk_a), "estates.house", SimpleUploadedFile("wps.xlsx", data))
    job = last_job()
    assert job.total == 301 and job.counts["new"] == 301, (job.message, job.errors[:3])


def test_same_name_owner_and_son_survive_export_and_import(client_for, clerk_a, houses, upload):
    household = HouseholdFactory(house=houses[0])
    owner = PersonFactory(household=household, name="马建华", role=Person.Role.OWNER, mobile="13800138000",
                          id_number=resident_id(1))
    son = PersonFactory(household=household, name="马建华", role=Person.Role.FAMILY, relationship="儿子",
                        mobile="13900139000", id_number="")
    client = client_for(clerk_a)
    for fmt in ("csv", "xlsx"):
        data = content_of(client.get(reverse("spreadsheets:export", args=[KEY]) + f"?format={fmt}"))
        upload(client, KEY, SimpleUploadedFile(f"back.{fmt}", data))
        job = last_job()
        assert job.counts == {"new": 0, "changed": 0, "unchanged": 2, "invalid": 0}, (fmt, job.errors)
    owner.refresh_from_db()
    son.refresh_from_db()
    assert owner.mobile == "13800138000" and son.mobile == "13900139000"


def test_a_row_that_could_be_two_people_is_an_error_naming_both(client_for, clerk_a, houses, upload):
    household = HouseholdFactory(house=houses[0])
    PersonFactory(household=household, name="马建华", role=Person.Role.OWNER, id_number=resident_id(1))
    PersonFactory(household=household, name="马建华", role=Person.Role.FAMILY, id_number="")
    header = person_headers("estate", "building", "unit", "room", "name", "mobile")
    upload(client_for(clerk_a), KEY, xlsx_file([header, ["HYY", "1栋", "1", houses[0].room, "马建华", "13700137000"]]))
    job = last_job()
    assert job.counts["invalid"] == 1
    message = job.errors[0]["message"]
    assert message.count("马建华") == 2 and "业主" in message
    assert not Person.objects.filter(mobile="13700137000").exists()


def test_id_number_matches_first(client_for, clerk_a, houses, upload):
    household = HouseholdFactory(house=houses[0])
    person = PersonFactory(household=household, name="王芳", id_number=resident_id(3))
    # Staff's header for the ID number; the name was corrected in the file.
    header = ["小区", "楼号", "单元", "房间号", "业主姓名", "身份证号码"]
    upload(client_for(clerk_a), KEY, xlsx_file([header, ["HYY", "1栋", "1", houses[0].room, "王 芳", resident_id(3)]]))
    job = last_job()
    assert job.counts["changed"] == 1, job.errors
    assert Person.objects.count() == 1
    client_for(clerk_a).post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"})
    person.refresh_from_db()
    assert person.name == "王 芳"


def test_unknown_header_gets_a_did_you_mean_hint(client_for, clerk_a, houses, upload):
    header = person_headers("estate", "building", "unit", "room", "name") + ["身份证号吗"]
    upload(client_for(clerk_a), KEY, xlsx_file([header, ["HYY", "1栋", "1", houses[0].room, "李雷", "x"]]))
    warning = " ".join(last_job().warnings)
    assert "身份证号吗" in warning and "证件号码" in warning


def test_long_cells_and_values_over_the_field_length_are_row_errors(client_for, clerk_a, houses, upload):
    header = person_headers("estate", "building", "unit", "room", "name", "notes")
    rows = [header, ["HYY", "1栋", "1", houses[0].room, "甲", "长" * 40000],
            ["HYY", "1栋", "1", houses[1].room, "名" * 60, ""], ["HYY", "1栋", "1", houses[2].room, "乙", "好"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload(client_for(clerk_a), KEY, SimpleUploadedFile("p.csv", buffer.getvalue().encode()))
    job = last_job()
    assert job.counts["invalid"] == 2 and job.counts["new"] == 1
    assert {e["row"] for e in job.errors} == {2, 3}
    assert "32767" in job.errors[0]["message"]


def test_documents_without_reference_round_trip(client_for, clerk_a, estate_a, upload):
    DocumentFactory(estate=estate_a, reference="", title="会议纪要", year=2024)
    DocumentFactory(estate=estate_a, reference="", title="工作计划", year=2024)
    client = client_for(clerk_a)
    for fmt in ("csv", "xlsx"):
        data = content_of(client.get(reverse("spreadsheets:export", args=["archives.document"]) + f"?format={fmt}"))
        upload(client, "archives.document", SimpleUploadedFile(f"back.{fmt}", data))
        job = last_job()
        assert job.counts == {"new": 0, "changed": 0, "unchanged": 2, "invalid": 0}, (fmt, job.message, job.errors)
    assert Document.objects.count() == 2


@pytest.fixture
def every_archive(estate_a, houses):
    household = HouseholdFactory(house=houses[0], notes=NASTY[4])
    for i, text in enumerate(NASTY):
        PersonFactory(household=household, name=f"住户{i}", role=Person.Role.FAMILY, notes=text, relationship=text[:30],
                      id_number="")
    PersonFactory(household=household, name="马建华", role=Person.Role.OWNER, id_number=resident_id(7))
    PersonFactory(household=household, name="马建华", role=Person.Role.FAMILY, id_number="")
    VehicleFactory(household=household, plate="粤B12345", colour="=白色", parking_space='B1,"023"')
    KeyFactory(estate=estate_a, opens_house=houses[1], notes=NASTY[0], cabinet="-A")
    for i, text in enumerate(NASTY):
        DocumentFactory(estate=estate_a, reference=f"HYY-{i}" if i % 2 else "", title=f"文件{i}", notes=text, year=2024)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_reimports_unchanged(client_for, make_user, estate_a, every_archive, upload, fmt):
    from estates import roles

    client = client_for(make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_rt"))
    keys = [b.key for b in registry.all_bridges() if b.resource_class.importable]
    assert {"estates.house", "archives.household", "archives.vehicle", "archives.key", "archives.document"} <= set(keys)
    for key in keys:
        data = content_of(client.get(reverse("spreadsheets:export", args=[key]) + f"?format={fmt}"))
        upload(client, key, SimpleUploadedFile(f"back.{fmt}", data))
        job = last_job()
        assert job.status == ImportJob.Status.PREVIEW, (key, job.message)
        assert job.counts["changed"] == job.counts["new"] == job.counts["invalid"] == 0, (key, job.counts, job.errors[:3])
        assert job.counts["unchanged"] > 0, key
