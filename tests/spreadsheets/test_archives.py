"""Vehicles, keys, documents (import and export) and the loan register (export only)."""

import pytest
from archives.factories import (
    DocumentFactory,
    HouseholdFactory,
    KeyFactory,
    SharedRoomKeyFactory,
    VehicleFactory,
)
from archives.models import Document, Key, Vehicle
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lending.factories import LoanFactory
from spreadsheets.models import ImportJob
from spreadsheets.resources.archives import DocumentResource, KeyResource, VehicleResource

from .conftest import content_of, read_xlsx, xlsx_file


def headers(resource, *names):
    columns = dict(resource.columns())
    return [columns[n].header for n in (names or columns)]


def round_trip(client, key, upload):
    data = content_of(client.get(reverse("spreadsheets:export", args=[key]) + "?format=xlsx"))
    upload(client, key, SimpleUploadedFile("back.xlsx", data))
    return read_xlsx(data), ImportJob.objects.latest("pk")


@pytest.fixture
def household_a(house_a):
    return HouseholdFactory(house=house_a)


def test_vehicles_round_trip_and_plate_normalised(client_for, clerk_a, household_a, upload):
    VehicleFactory(household=household_a, plate="粤B12345")
    client = client_for(clerk_a)
    rows, job = round_trip(client, "archives.vehicle", upload)
    assert len(rows) == 2 and job.counts == {"new": 0, "changed": 0, "unchanged": 1, "invalid": 0}, job.errors
    file = xlsx_file([headers(VehicleResource(), "plate", "estate", "building", "unit", "room", "colour"),
                      ["粤b·12345", "HYY", "1栋", "1", "101", "黑色"],
                      ["粤B 54321", "HYY", "1栋", "1", "101", "白色"],
                      ["XYZ", "HYY", "1栋", "1", "101", ""]])
    upload(client, "archives.vehicle", file)
    job = ImportJob.objects.latest("pk")
    assert job.counts == {"new": 1, "changed": 1, "unchanged": 0, "invalid": 1}, job.errors
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "valid_only"})
    assert set(Vehicle.objects.values_list("plate", "colour")) == {("粤B12345", "黑色"), ("粤B54321", "白色")}


def test_vehicle_of_another_estate_is_reported(client_for, clerk_a, household_a, house_b, upload):
    VehicleFactory(household=HouseholdFactory(house=house_b), plate="粤A11111")
    file = xlsx_file([headers(VehicleResource(), "plate", "estate", "building", "unit", "room"),
                      ["粤A11111", "HYY", "1栋", "1", "101"]])
    upload(client_for(clerk_a), "archives.vehicle", file)
    job = ImportJob.objects.latest("pk")
    assert job.counts["invalid"] == 1 and "其他小区" in job.errors[0]["message"]


def test_keys_round_trip_and_import(client_for, clerk_a, house_a, estate_a, upload):
    KeyFactory(opens_house=house_a, tag="K-1")
    SharedRoomKeyFactory(estate=estate_a, tag="K-2")
    client = client_for(clerk_a)
    rows, job = round_trip(client, "archives.key", upload)
    assert len(rows) == 3 and job.counts["unchanged"] == 2, job.errors
    file = xlsx_file([headers(KeyResource(), "estate", "tag", "building", "unit", "room", "opens_room", "copies"),
                      ["HYY", "K-3", "1栋", "1", "101", "", 2],
                      ["HYY", "K-4", "", "", "", "屋顶", ""],
                      ["HYY", "K-5", "", "", "", "", ""]])
    upload(client, "archives.key", file)
    job = ImportJob.objects.latest("pk")
    assert job.counts == {"new": 2, "changed": 0, "unchanged": 0, "invalid": 1}, job.errors
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "valid_only"})
    assert Key.objects.get(tag="K-3").opens_house == house_a and Key.objects.get(tag="K-4").copies == 1


def test_documents_round_trip_and_import(client_for, clerk_a, estate_a, upload):
    DocumentFactory(estate=estate_a, reference="WY-1")
    client = client_for(clerk_a)
    rows, job = round_trip(client, "archives.document", upload)
    assert len(rows) == 2 and job.counts["unchanged"] == 1, job.errors
    file = xlsx_file([headers(DocumentResource(), "estate", "reference", "title", "category", "year"),
                      ["HYY", "WY-2", "2024年会议纪要", "meeting minutes", 2024],
                      ["HYY", "WY-3", "旧文件", "notice", 1900]])
    upload(client, "archives.document", file)
    job = ImportJob.objects.latest("pk")
    assert job.counts == {"new": 1, "changed": 0, "unchanged": 0, "invalid": 1}, job.errors
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]), {"mode": "valid_only"})
    assert Document.objects.get(reference="WY-2").category == "minutes"
    assert Document.history.get(reference="WY-2").history_user == clerk_a


def test_loans_export_only_and_masked(client_for, make_user, estate_a, supervisor_a, house_a):
    from estates import roles

    LoanFactory(key=KeyFactory(opens_house=house_a, tag="K-9"), borrower_mobile="13712345678")
    client = client_for(supervisor_a)
    rows = read_xlsx(content_of(client.get(reverse("spreadsheets:export", args=["lending.loan"]) + "?format=xlsx")))
    assert len(rows) == 2 and "K-9" in rows[1] and "13712345678" in rows[1]
    assert client.get(reverse("spreadsheets:template", args=["lending.loan"])).status_code == 404
    assert client.get(reverse("spreadsheets:import", args=["lending.loan"])).status_code in (302, 403)
    front = make_user(roles.FRONT_DESK, [estate_a])
    response = client_for(front).get(reverse("spreadsheets:export", args=["lending.loan"]) + "?format=xlsx")
    if response.status_code == 200:
        assert "13712345678" not in str(read_xlsx(content_of(response))[1])
