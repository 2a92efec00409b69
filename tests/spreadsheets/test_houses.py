"""Houses through the admin: template, export, import with preview and confirm, round trip."""

from decimal import Decimal

import pytest
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import Building, House
from spreadsheets.models import ImportJob
from spreadsheets.resources.houses import HouseResource

from .conftest import content_of, csv_file, read_xlsx, xlsx_file

KEY = "estates.house"


def headers():
    return [c.header for _n, c in HouseResource().columns()]


@pytest.fixture
def houses_a(estate_a):
    building = BuildingFactory(estate=estate_a, name="1栋")
    return [HouseFactory(building=building, unit="1", room=f"10{i}", floor=1, area=Decimal("88.50")) for i in range(1, 6)]


def test_listing_has_spreadsheet_buttons(client_for, supervisor_a, houses_a):
    response = client_for(supervisor_a).get(reverse("wagtailsnippets_estates_house:list") + "?status=occupied")
    html = response.content.decode()
    assert reverse("spreadsheets:import", args=[KEY]) in html
    assert reverse("spreadsheets:template", args=[KEY]) in html
    assert "export/?status=occupied&amp;format=xlsx" in html


def test_template_has_headers_dropdowns_and_instructions(client_for, clerk_a):
    response = client_for(clerk_a).get(reverse("spreadsheets:template", args=[KEY]))
    assert response.status_code == 200
    rows = read_xlsx(content_of(response))
    assert rows[0] == headers()
    assert rows[0][0] == "小区代码"
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(content_of(response)))
    validations = workbook.worksheets[0].data_validations.dataValidation
    assert any("空置" in v.formula1 for v in validations)
    guide = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert guide[0][0] == "列"
    assert any(r[0] == "小区代码" and r[3] == "HYY" for r in guide)


def test_export_is_scoped_and_then_import_changes_nothing(client_for, supervisor_a, houses_a, house_b, upload):
    client = client_for(supervisor_a)
    response = client.get(reverse("spreadsheets:export", args=[KEY]) + "?format=xlsx")
    assert response.status_code == 200
    rows = read_xlsx(content_of(response))
    assert rows[0] == headers()
    assert len(rows) == 1 + len(houses_a)  # estate_b's house is not exported
    assert {r[0] for r in rows[1:]} == {"HYY"}
    response = upload(client, KEY, xlsx_file(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEW
    assert job.counts == {"new": 0, "changed": 0, "unchanged": 5, "invalid": 0}
    assert "没有需要导入" in response.content.decode() or "nothing to import" in response.content.decode()


def test_export_follows_listing_filters(client_for, supervisor_a, houses_a):
    houses_a[0].status = House.Status.VACANT
    houses_a[0].save()
    response = client_for(supervisor_a).get(reverse("spreadsheets:export", args=[KEY]) + "?format=csv&status=vacant")
    text = content_of(response).decode("utf-8-sig")
    assert text.count("\n") == 2 and "101" in text


def test_import_preview_confirm_creates_and_changes(client_for, supervisor_a, houses_a, upload):
    client = client_for(supervisor_a)
    rows = [headers(),
            ["HYY", "1栋", "1", 1, "101", 99, "空置", "住宅"],  # changed area and status
            ["HYY", "1栋", "1", 1, "102", 88.5, "自住", "住宅"],  # unchanged
            ["HYY", "2栋", "", 3, "301", "120.00", "vacant", "residential"]]  # new building + house
    response = upload(client, KEY, xlsx_file(rows))
    job = ImportJob.objects.get()
    assert job.counts == {"new": 1, "changed": 1, "unchanged": 1, "invalid": 0}, job.errors
    assert House.objects.count() == 5  # nothing written before the confirmation
    response = client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "all"}, follow=True)
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    house = House.objects.get(building__name="1栋", room="101")
    assert house.area == Decimal("99.00") and house.status == "vacant"
    assert House.objects.get(building__name="2栋", room="301").building.estate.code == "HYY"
    assert Building.objects.filter(name="2栋").count() == 1
    # History for imported rows: the importing user and a reason naming the file.
    changed = house.history.latest()
    assert changed.history_user == supervisor_a and changed.history_type == "~"
    assert job.original_name in changed.history_change_reason
    created = House.objects.get(room="301").history.get()
    assert created.history_type == "+" and created.history_user == supervisor_a
    assert not House.objects.get(room="102").history.filter(history_type="~").exists()  # unchanged row


def test_clerk_cannot_import_into_another_estate(client_for, clerk_a, estate_b, upload):
    rows = [headers(), ["JHY", "9栋", "2", 9, "999", 90, "空置", "住宅"]]
    upload(client_for(clerk_a), KEY, xlsx_file(rows))
    job = ImportJob.objects.get()
    assert job.counts["invalid"] == 1
    assert "JHY" in job.errors[0]["message"] and job.errors[0]["column"] == "小区代码"


def test_role_without_permission_gets_403(client_for, make_user, estate_a):
    user = make_user(roles.FRONT_DESK, [estate_a])
    client = client_for(user)
    # Wagtail answers a permission error in the admin with a redirect to the dashboard.
    assert client.get(reverse("spreadsheets:import", args=[KEY])).status_code in (302, 403)
    assert client.post(reverse("spreadsheets:import", args=[KEY]), {}).status_code in (302, 403)
    assert client.get(reverse("spreadsheets:template", args=[KEY])).status_code == 200
    assert not ImportJob.objects.exists()


def test_unknown_model_is_404(client_for, clerk_a):
    assert client_for(clerk_a).get(reverse("spreadsheets:template", args=["auth.user"])).status_code == 404


def test_csv_gb18030_round_trip(client_for, supervisor_a, houses_a, upload):
    rows = [headers(), ["HYY", "1栋", "1", "1", "101", "88.50", "自住", "住宅"]]
    upload(client_for(supervisor_a), KEY, csv_file(rows, encoding="gb18030"))
    job = ImportJob.objects.get()
    assert job.counts == {"new": 0, "changed": 0, "unchanged": 1, "invalid": 0}, job.errors


def test_viewset_mixin_attaches_the_resource_declaratively():
    from spreadsheets import registry
    from spreadsheets.viewsets import SpreadsheetIndexViewMixin, SpreadsheetViewSetMixin
    from wagtail.snippets.views.snippets import SnippetViewSet

    class BuildingSheetViewSet(SpreadsheetViewSetMixin, SnippetViewSet):
        model = Building
        resource_class = HouseResource

    try:
        viewset = BuildingSheetViewSet()
        assert registry.bridge_for_model(Building).resource_class is HouseResource
        assert issubclass(viewset.index_view_class, SpreadsheetIndexViewMixin)
    finally:
        registry._bridges.pop("estates.building", None)
