"""Households with their people: real spreadsheets, all or nothing, history, masking."""

import datetime

import pytest
from archives.factories import HouseholdFactory, PersonFactory, resident_id
from archives.models import Household, Person
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import PersonalDataAccess
from spreadsheets.models import ImportJob
from spreadsheets.resources.archives import PersonResource

from .conftest import content_of, csv_file, read_xlsx, xlsx_file

KEY = "archives.household"


def headers(*names):
    resource = PersonResource()
    columns = dict(resource.columns())
    return [columns[n].header for n in names] if names else [c.header for _n, c in resource.columns()]


@pytest.fixture
def houses(estate_a):
    building = BuildingFactory(estate=estate_a, name="3栋")
    return [HouseFactory(building=building, unit="2", room=f"{100 + i}", floor=1) for i in range(1, 11)]


@pytest.fixture
def people(houses):
    return [
        PersonFactory(household=HouseholdFactory(house=house), name=f"业主{i}", mobile=f"1380013{i:04d}",
                      id_number=resident_id(i), move_in=datetime.date(2020, 1, i + 1))
        for i, house in enumerate(houses[:5])
    ]


def preview(client, file, upload):
    upload(client, KEY, file)
    return ImportJob.objects.latest("pk")


def confirm(client, job, mode="all"):
    return client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": mode})


def test_export_then_import_changes_nothing(client_for, clerk_a, people, upload):
    client = client_for(clerk_a)
    for fmt in ("xlsx", "csv"):
        response = client.get(reverse("spreadsheets:export", args=[KEY]) + f"?format={fmt}")
        assert response.status_code == 200
        data = content_of(response)
        if fmt == "xlsx":
            rows = read_xlsx(data)
            assert rows[0] == headers() and len(rows) == 6
        from django.core.files.uploadedfile import SimpleUploadedFile

        job = preview(client, SimpleUploadedFile(f"export.{fmt}", data), upload)
        assert job.counts == {"new": 0, "changed": 0, "unchanged": 5, "invalid": 0}, job.errors


def test_import_creates_households_and_people_with_history(client_for, clerk_a, houses, upload):
    client = client_for(clerk_a)
    rows = [headers("estate", "building", "unit", "room", "name", "mobile", "move_in"),
            ["HYY", "3栋", "2", "106", "王五", "139 1234 5678", "2024/5/1"],
            ["HYY", "3栋", "2", "106", "王小五", "１３９－１２３４－５６７９", "2024年5月1日"],
            ["HYY", "3栋", "2", "107", "赵六", "13912345680", 45413]]
    job = preview(client, xlsx_file(rows, name="业主名单.xlsx"), upload)
    assert job.counts == {"new": 3, "changed": 0, "unchanged": 0, "invalid": 0}, job.errors
    response = confirm(client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Household.objects.count() == 2
    wang = Person.objects.get(name="王小五")
    assert wang.mobile == "13912345679" and wang.move_in == datetime.date(2024, 5, 1)
    assert Person.objects.get(name="赵六").move_in == datetime.date(2024, 5, 1)  # Excel serial 45413
    history = Person.history.filter(name="王五").get()
    assert history.history_user == clerk_a and history.history_type == "+"
    assert "业主名单.xlsx" in history.history_change_reason
    assert Household.history.filter(history_user=clerk_a).count() == 2
    # The same file again: nothing changes, no more history.
    job2 = preview(client, xlsx_file(rows, name="业主名单.xlsx"), upload)
    assert job2.counts == {"new": 0, "changed": 0, "unchanged": 3, "invalid": 0}
    assert Person.history.count() == 3


def test_changed_rows_get_history_with_reason(client_for, clerk_a, people, upload):
    client = client_for(clerk_a)
    rows = [headers("estate", "building", "unit", "room", "name", "mobile"),
            ["HYY", "3栋", "2", "101", "业主0", "13700000000"]]
    job = preview(client, xlsx_file(rows, name="改号.xlsx"), upload)
    assert job.counts["changed"] == 1
    confirm(client, job)
    person = Person.objects.get(name="业主0")
    assert person.mobile == "13700000000"
    latest = person.history.latest()
    assert latest.history_type == "~" and latest.history_user == clerk_a and "改号.xlsx" in latest.history_change_reason


def test_real_spreadsheet_title_row_order_spaces_unknown_and_empty_rows(client_for, clerk_a, houses, upload):
    rows = [["  name  " and headers("name")[0], "备注栏", headers("room")[0], headers("building")[0], headers("estate")[0], headers("unit")[0]],
            ["  李雷 ", "x", " 108 ", "3栋 ", "hyy", "2"],
            [None, None, None, None, None, None],
            ["", "", "", "", "", ""]]
    job = preview(client_for(clerk_a), xlsx_file(rows, title_rows=[["和悦苑2024年业主名单"], []]), upload)
    assert job.counts == {"new": 1, "changed": 0, "unchanged": 0, "invalid": 0}, job.errors
    assert any("第 3 行" in w for w in job.warnings)
    assert any("备注栏" in w for w in job.warnings)


def test_missing_header_says_where_it_was_expected(client_for, clerk_a, houses, upload):
    response = upload(client_for(clerk_a), KEY, xlsx_file([["a", "b"], [1, 2]]))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "表头" in job.message and "小区代码" in job.message
    assert "表头" in response.content.decode()


def test_errors_by_row_and_column_and_duplicates(client_for, clerk_a, houses, upload):
    rows = [headers("estate", "building", "unit", "room", "name", "mobile", "move_in", "role"),
            ["HYY", "3栋", "2", "101", "甲", "12345", "", "业主"],
            ["HYY", "3栋", "2", "999", "乙", "", "", "业主"],
            ["HYY", "3栋", "2", "102", "丙", "", "2024-13-45", "业主"],
            ["HYY", "3栋", "2", "103", "丁", "", "", "老板"],
            ["HYY", "3栋", "2", "104", "戊", "", "", "业主"],
            ["HYY", "3栋", "2", "104", "戊", "", "", "业主"]]
    job = preview(client_for(clerk_a), xlsx_file(rows), upload)
    assert job.counts == {"new": 1, "changed": 0, "unchanged": 0, "invalid": 5}
    by_row = {e["row"]: e for e in job.errors}
    assert by_row[2]["column"] == headers("mobile")[0] and "11" in by_row[2]["message"]
    assert by_row[3]["column"] == headers("room")[0]
    assert by_row[4]["column"] == headers("move_in")[0]
    assert by_row[5]["column"] == headers("role")[0]
    assert "第 6 行" in by_row[7]["message"]
    assert job.failed_rows
    failed = read_xlsx(content_of(client_for(clerk_a).get(reverse("spreadsheets:failed_rows", args=[job.pk]))))
    assert failed[0][0] == "错误" and len(failed) == 6
    # Confirming everything is refused; choosing the valid rows explicitly imports one.
    response = confirm(client_for(clerk_a), job, mode="all")
    assert response.status_code == 400 and Person.objects.count() == 0
    confirm(client_for(clerk_a), job, mode="valid_only")
    assert list(Person.objects.values_list("name", flat=True)) == ["戊"]


def test_one_bad_row_in_5000_writes_nothing(client_for, supervisor_a, estate_a, upload, settings):
    settings.SPREADSHEETS_ASYNC_THRESHOLD = 10_000
    building = BuildingFactory(estate=estate_a, name="5栋")
    from estates.models import House

    House.objects.bulk_create([House(building=building, unit="1", room=str(i), floor=1, area=80) for i in range(5000)])
    rows = [headers("estate", "building", "unit", "room", "name", "mobile")]
    rows += [["HYY", "5栋", "1", str(i), f"人{i}", f"139{i:08d}"] for i in range(5000)]
    rows[4000][5] = "not-a-phone"
    client = client_for(supervisor_a)
    job = preview(client, csv_file(rows), upload)
    assert job.counts["invalid"] == 1 and job.counts["new"] == 4999
    assert job.errors[0]["row"] == 4001
    assert confirm(client, job).status_code == 400
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_masked_export_for_front_desk_and_logged_for_clerk(client_for, make_user, estate_a, clerk_a, people):
    front = make_user(roles.FRONT_DESK, [estate_a])
    url = reverse("spreadsheets:export", args=[KEY]) + "?format=xlsx"
    rows = read_xlsx(content_of(client_for(front).get(url)))
    mobile = headers().index(headers("mobile")[0])
    id_col = headers().index(headers("id_number")[0])
    assert all("****" in r[mobile] for r in rows[1:]) and all("*" in r[id_col] for r in rows[1:])
    assert not PersonalDataAccess.objects.exists()
    rows = read_xlsx(content_of(client_for(clerk_a).get(url)))
    assert {r[mobile] for r in rows[1:]} == {p.mobile for p in people}
    log = PersonalDataAccess.objects.get()
    assert log.user == clerk_a and log.action == "export"


def test_masked_values_coming_back_keep_the_stored_value(client_for, make_user, estate_a, people, upload):
    steward = make_user(roles.STEWARD, [estate_a])
    from django.contrib.auth.models import Permission

    # A steward without the personal-data permission (e.g. a new hire) exports and re-imports.
    steward.user_permissions.clear()
    group = steward.groups.get()
    group.permissions.remove(Permission.objects.get(codename="view_personal_data"))
    steward = type(steward).objects.get(pk=steward.pk)
    client = client_for(steward)
    data = content_of(client.get(reverse("spreadsheets:export", args=[KEY]) + "?format=xlsx"))
    assert "****" in str(read_xlsx(data)[1])
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = preview(client, SimpleUploadedFile("back.xlsx", data), upload)
    assert job.counts == {"new": 0, "changed": 0, "unchanged": 5, "invalid": 0}, job.errors


def test_formula_cells_are_escaped_in_exports(client_for, clerk_a, houses, estate_a):
    PersonFactory(household=HouseholdFactory(house=houses[0]), name="=HYPERLINK(\"http://x\")", notes="+1 @a")
    client = client_for(clerk_a)
    rows = read_xlsx(content_of(client.get(reverse("spreadsheets:export", args=[KEY]) + "?format=xlsx")))
    assert rows[1][headers().index(headers("name")[0])].startswith("'=")
    text = content_of(client.get(reverse("spreadsheets:export", args=[KEY]) + "?format=csv")).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 @a" in text


def test_other_estate_household_not_exported(client_for, clerk_b, people):
    rows = read_xlsx(content_of(client_for(clerk_b).get(reverse("spreadsheets:export", args=[KEY]) + "?format=xlsx")))
    assert len(rows) == 1


def test_a_shuffled_batch_looks_up_only_the_houses_it_names(estate_a):
    """Rows of many buildings in any order: each building's own rooms, not buildings × rooms."""
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from spreadsheets.resources.base import ImportContext, Row

    buildings = [BuildingFactory(estate=estate_a, name=f"{b}栋") for b in range(1, 7)]
    for building in buildings:
        for unit in ("1", "2"):
            for room in range(101, 111):
                HouseFactory(building=building, unit=unit, room=str(room), floor=1)
    named = [(b.name, "1", str(101 + i)) for i, b in enumerate(buildings)]  # a different room in each
    random.Random(3).shuffle(named)
    rows = [Row(number=n + 2, raw=(), values={"estate": "hyy", "building": b, "unit": u, "room": r})
            for n, (b, u, r) in enumerate(named)]
    resource = PersonResource()
    context = ImportContext(user=None, estate_ids=frozenset({estate_a.pk}))
    with CaptureQueriesContext(connection) as ctx:
        table = resource.houses_for(rows, context)
    # Six (building, room) pairs: their houses in both units, nothing of the other 108 houses.
    assert len(table) == 12
    assert all(("hyy", b.casefold(), "1", r) in table for b, _u, r in named)
    assert len(ctx.captured_queries) <= 3
    assert resource.house_for(rows[0], table).room == rows[0].values["room"]
