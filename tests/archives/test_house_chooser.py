"""The house chooser of a new household file: search as clerks type, status and file shown,
houses with a file not offered, a house taken meanwhile refused in plain words."""

import pytest
from archives.factories import HouseholdFactory
from archives.models import Household
from django.utils import translation
from estates.factories import BuildingFactory, HouseFactory
from estates.models import House

from tests.archives.conftest import household_post_data

pytestmark = pytest.mark.django_db
CHOOSER = "/admin/archives/choose-house/"


@pytest.fixture
def houses(estate_a, estate_b):
    one = BuildingFactory(estate=estate_a, name="1栋")
    three = BuildingFactory(estate=estate_a, name="3栋")
    made = {
        "1-2-301": HouseFactory(building=one, unit="2", room="301", floor=3, status=House.Status.VACANT),
        "1-2-302": HouseFactory(building=one, unit="2", room="302", floor=3, status=House.Status.DECORATING),
        "1-1-301": HouseFactory(building=one, unit="1", room="301", floor=3),
        "3-1-1201": HouseFactory(building=three, unit="1", room="1201", floor=12, status=House.Status.RENTED),
        "other": HouseFactory(building=BuildingFactory(estate=estate_b, name="1栋"), unit="2", room="301", floor=3),
    }
    HouseholdFactory(house=made["1-2-302"])
    return made


def _rows(client, query=""):
    response = client.get(CHOOSER + "results/" + query)
    assert response.status_code == 200
    html = response.json()["html"] if response["Content-Type"].startswith("application/json") else response.content.decode()
    return html


@pytest.mark.parametrize("typed", ["1-2-301", "1栋2单元301", "1 2 301", "1/2/301", "1栋-2单元-301室"])
def test_search_by_building_unit_and_room_as_clerks_type_it(client_for, clerk_a, houses, typed):
    html = _rows(client_for(clerk_a), f"?q={typed}")
    assert "1栋-2单元-301" in html
    assert "1栋-1单元-301" not in html and "1201" not in html


def test_listing_shows_status_and_file_and_only_free_houses_can_be_chosen(client_for, clerk_a, houses):
    client = client_for(clerk_a)
    with translation.override("zh-hans"):
        html = _rows(client, "?q=1-2")
    assert "空置" in html and "装修" in html  # each house's status
    assert "已有档案" in html and "尚未建档" in html  # whether it has a file
    free, taken = houses["1-2-301"], houses["1-2-302"]
    assert f"{CHOOSER}chosen/{free.pk}/" in html
    assert f"{CHOOSER}chosen/{taken.pk}/" not in html  # listed, not offered
    assert "1201" in _rows(client, "?q=3-1201")
    free_only = _rows(client, "?free_only=on")
    assert "1栋-2单元-302" not in free_only and "1栋-2单元-301" in free_only


def test_other_estates_houses_are_neither_listed_nor_chosen(client_for, clerk_a, houses):
    client = client_for(clerk_a)
    html = _rows(client, "?q=1-2-301")
    assert f"chosen/{houses['other'].pk}/" not in html
    assert client.get(f"{CHOOSER}chosen/{houses['other'].pk}/").status_code == 404
    assert client.get(f"{CHOOSER}chosen/{houses['1-2-301'].pk}/").status_code == 200


def test_roles_that_do_not_keep_files_cannot_open_the_chooser(client_for, maintenance_a, houses):
    response = client_for(maintenance_a).get(CHOOSER + "results/?q=1-2-301")
    assert response.status_code in (302, 403)  # Wagtail turns a refusal into a redirect home
    assert "1栋-2单元-301" not in response.content.decode()


def test_the_new_file_form_uses_this_chooser(client_for, clerk_a, houses):
    html = client_for(clerk_a).get("/admin/snippets/archives/household/add/").content.decode()
    assert CHOOSER in html


def test_a_house_taken_meanwhile_is_refused_in_plain_words(client_for, clerk_a, houses):
    taken = houses["1-2-302"]
    data = household_post_data(Household(house=taken), people=[], vehicles=[])
    with translation.override("zh-hans"):
        response = client_for(clerk_a).post("/admin/snippets/archives/household/add/", data)
    body = response.content.decode()
    assert response.status_code in (200, 400)
    assert "选择一个有效的选项" not in body
    assert "1栋-2单元-302 已有业主档案" in body
    assert Household.objects.filter(house=taken).count() == 1
