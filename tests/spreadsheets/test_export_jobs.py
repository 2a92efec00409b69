"""Exports above SPREADSHEETS_EXPORT_THRESHOLD run as a Huey job (immediate in tests): the
request answers at once with a progress page, the file is downloaded when done, the listing's
filters and the user's estates still apply, and masking is the same as inline."""

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from spreadsheets.models import ExportJob

from .conftest import content_of, read_xlsx


@pytest.fixture
def many_people(estate_a, estate_b):
    building = BuildingFactory(estate=estate_a, name="7栋")
    for i in range(6):
        PersonFactory(household=HouseholdFactory(house=HouseFactory(building=building, room=f"70{i}")),
                      name=f"住户{i}", mobile=f"1350000000{i}")
    PersonFactory(household=HouseholdFactory(house=HouseFactory(building=BuildingFactory(estate=estate_b))),
                  name="别的小区")


def test_large_export_is_a_job_with_a_download_link(client_for, make_user, estate_a, many_people, settings):
    settings.SPREADSHEETS_EXPORT_THRESHOLD = 3
    client = client_for(make_user(roles.FRONT_DESK, [estate_a], username="desk_export"))
    response = client.get(reverse("spreadsheets:export", args=["archives.person"]) + "?format=xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("spreadsheets:export_job", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.total == 6
    page = client.get(response.url).content.decode()
    assert 'data-spreadsheet="download"' in page
    rows = read_xlsx(content_of(client.get(reverse("spreadsheets:export_job_download", args=[job.pk]))))
    assert len(rows) == 7 and not any("别的小区" in str(r) for r in rows)
    mobiles = [r for r in rows[1] if isinstance(r, str) and r.startswith("135")]
    assert mobiles and all("*" in m for m in mobiles)  # masked for the front desk, as inline
    # Another user cannot see or download it.
    other = client_for(make_user(roles.CLERK, [estate_a], username="clerk_export"))
    assert other.get(reverse("spreadsheets:export_job_download", args=[job.pk])).status_code == 404


def test_small_export_stays_inline(client_for, clerk_a, many_people):
    response = client_for(clerk_a).get(reverse("spreadsheets:export", args=["archives.person"]) + "?format=csv")
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    assert not ExportJob.objects.exists()
