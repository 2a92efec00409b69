"""The archives admin, through the views users touch: roles, estates, the household screen, search."""

import pytest
from archives.factories import (
    DocumentFactory,
    HouseholdFactory,
    KeyFactory,
    PersonFactory,
    VehicleFactory,
)
from archives.models import Household, Person, Vehicle
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory

from tests.archives.conftest import OWNER_MOBILE, household_post_data

MODELS = ["household", "person", "vehicle", "key", "document"]
ALL_ROLES = [roles.ESTATE_MANAGER, roles.SUPERVISOR, roles.CLERK, roles.STEWARD, roles.FRONT_DESK,
             roles.SECRETARY, roles.MAINTENANCE]
M, S, C, ST, F, SE, MA = ALL_ROLES

#: (model, action) → roles allowed. The matrix of docs/archives.md, checked through the admin.
ALLOWED = {
    ("household", "list"): {M, S, C, ST, F, SE},
    ("person", "list"): {M, S, C, ST, F, SE},
    ("vehicle", "list"): {M, S, C, ST, F, SE},
    ("key", "list"): {M, S, C, ST, F, MA},
    ("document", "list"): {M, S, C, ST, SE},
    ("household", "add"): {M, S, C, ST},
    ("person", "add"): {M, S, C, ST},
    ("vehicle", "add"): {M, S, C, ST},
    ("key", "add"): {M, S, C},
    ("document", "add"): {M, S, C, SE},
}


def url(model, action, *args):
    return reverse(f"wagtailsnippets_archives_{model}:{action}", args=args)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_opens_exactly_its_archive_pages(make_user, client_for, estate_a, role):
    client = client_for(make_user(role, [estate_a]))
    for (model, action), allowed in ALLOWED.items():
        status = client.get(url(model, action)).status_code
        assert (status == 200) == (role in allowed), (model, action, status)


@pytest.mark.parametrize("role, can_delete", [(M, True), (S, True), (C, False), (ST, False), (SE, False)])
def test_only_supervisors_and_managers_delete_a_household_file(make_user, client_for, household_a, role, can_delete):
    client = client_for(make_user(role, [household_a.house.building.estate]))
    assert (client.get(url("household", "delete", household_a.pk)).status_code == 200) == can_delete


@pytest.mark.parametrize("role, status", [(C, 200), (ST, 200), (SE, 302), (F, 302)])
def test_household_edit_by_role(make_user, client_for, household_a, role, status):
    client = client_for(make_user(role, [household_a.house.building.estate]))
    assert client.get(url("household", "edit", household_a.pk)).status_code == status


@pytest.mark.parametrize("view", ["edit", "inspect", "delete"])
def test_another_estates_household_is_not_found(client_for, clerk_b, household_a, view, make_user, estate_b):
    manager_b = make_user(roles.ESTATE_MANAGER, [estate_b])
    for user in (clerk_b, manager_b):
        assert client_for(user).get(url("household", view, household_a.pk)).status_code == 404


def test_another_estates_records_are_not_listed(client_for, clerk_b, household_a, household_b):
    response = client_for(clerk_b).get(url("household", "list"))
    assert household_b.house.label in response.content.decode()
    assert household_a.house.label not in response.content.decode()
    body = client_for(clerk_b).get(url("person", "list")).content.decode()
    assert "王芳" in body and "张伟" not in body


def test_forged_post_to_another_estates_household_changes_nothing(client_for, clerk_b, household_a):
    data = household_post_data(household_a, notes="hacked")
    assert client_for(clerk_b).post(url("household", "edit", household_a.pk), data).status_code == 404
    household_a.refresh_from_db()
    assert household_a.notes == ""


def test_house_choice_offers_only_own_estate_houses_without_a_file(client_for, clerk_a, household_a, house_b):
    # The offer is the house chooser's (archives.admin.house_chooser); the form refuses a taken
    # house in plain words (tests/archives/test_house_chooser.py).
    free = HouseFactory(building=household_a.house.building, room="1202")
    client = client_for(clerk_a)
    form = client.get(url("household", "add")).context["form"]
    assert house_b not in set(form.fields["house"].queryset)
    html = client.get("/admin/archives/choose-house/results/").content.decode()
    chosen = "/admin/archives/choose-house/chosen/{}/"
    assert chosen.format(free.pk) in html
    assert chosen.format(household_a.house.pk) not in html and chosen.format(house_b.pk) not in html


def test_clerk_creates_a_household_file_with_people_and_a_car_on_one_page(client_for, clerk_a, house_a):
    data = household_post_data(
        Household(house=house_a),
        people=[
            {"name": "张伟", "role": "owner", "relationship": "", "mobile": "138 0013 8000", "id_type": "resident_id",
             "id_number": "11010519491231002x", "move_in": "2020-05-01", "lease_start": "", "lease_end": "", "notes": ""},
            {"name": "李娜", "role": "family", "relationship": "配偶", "mobile": "", "id_type": "resident_id",
             "id_number": "", "move_in": "", "lease_start": "", "lease_end": "", "notes": ""},
        ],
        vehicles=[{"plate": "粤b12345", "vehicle_type": "car", "colour": "白色", "parking_space": "B1-001",
                   "permit_number": "P1", "permit_valid_from": "2026-01-01", "permit_valid_to": "2026-12-31",
                   "active": "on"}],
    )
    response = client_for(clerk_a).post(url("household", "add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    household = Household.objects.get(house=house_a)
    owner = household.people.get(role="owner")
    assert (owner.mobile, owner.id_number) == ("13800138000", "11010519491231002X")
    assert household.vehicles.get().plate == "粤B12345"
    assert {h.history_user for m in (Household, Person, Vehicle) for h in m.history.all()} == {clerk_a}


def test_invalid_inline_person_shows_the_error_and_saves_nothing(client_for, clerk_a, house_a):
    data = household_post_data(
        Household(house=house_a),
        people=[{"name": "张伟", "role": "tenant", "relationship": "", "mobile": "12345", "id_type": "resident_id",
                 "id_number": "110105194912310021", "move_in": "", "lease_start": "2026-05-01",
                 "lease_end": "2026-01-01", "notes": ""}],
        vehicles=[],
    )
    response = client_for(clerk_a).post(url("household", "add"), data)
    assert response.status_code == 200
    errors = response.context["form"].formsets["people"].forms[0].errors
    assert set(errors) >= {"mobile", "id_number", "lease_end"}
    assert not Household.objects.exists()


def test_changing_a_mobile_inline_records_who_and_what(client_for, clerk_a, household_a, owner_a):
    data = household_post_data(household_a)
    index = list(household_a.people.order_by("pk")).index(owner_a)
    data[f"people-{index}-mobile"] = "139-1111-2222"
    assert client_for(clerk_a).post(url("household", "edit", household_a.pk), data).status_code == 302
    owner_a.refresh_from_db()
    assert owner_a.mobile == "13911112222"
    changed = Person.history.filter(history_type="~")
    assert [(h.id, h.history_user) for h in changed] == [(owner_a.pk, clerk_a)]
    # unchanged children and the household itself got no empty entries
    assert not Vehicle.history.filter(history_type="~").exists()
    assert not Household.history.filter(history_type="~").exists()


def test_removing_a_person_inline_is_recorded_as_a_deletion(client_for, clerk_a, household_a):
    data = household_post_data(household_a)
    data["people-1-DELETE"] = "1"
    assert client_for(clerk_a).post(url("household", "edit", household_a.pk), data).status_code == 302
    assert household_a.people.count() == 1
    deletion = Person.history.get(history_type="-")
    assert deletion.history_user == clerk_a


def test_household_screen_lists_keys_and_documents_with_links(client_for, clerk_a, household_a, estate_a):
    key = KeyFactory(opens_house=household_a.house, tag="K-0101")
    document = DocumentFactory(estate=estate_a, household=household_a, title="装修申请")
    for view in ("edit", "inspect"):
        body = client_for(clerk_a).get(url("household", view, household_a.pk)).content.decode()
        assert "K-0101" in body and url("key", "edit", key.pk) in body
        assert "装修申请" in body and url("document", "edit", document.pk) in body
        assert reverse("archives_history", args=("household", household_a.pk)) in body


def test_inspect_views_open_for_every_model(client_for, supervisor_a, household_a, estate_a):
    client = client_for(supervisor_a)
    objects = {
        "household": household_a, "person": household_a.people.first(), "vehicle": household_a.vehicles.first(),
        "key": KeyFactory(opens_house=household_a.house), "document": DocumentFactory(estate=estate_a),
    }
    for model, obj in objects.items():
        assert client.get(url(model, "inspect", obj.pk)).status_code == 200, model


# --- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [C, SE, F, ST])
def test_a_full_mobile_finds_the_person_for_every_role_that_may_open_it(make_user, client_for, household_a, role):
    client = client_for(make_user(role, [household_a.house.building.estate]))
    for query in (OWNER_MOBILE, "138 0013 8000", "138-0013-8000"):
        body = client.get(url("household", "list"), {"q": query}).content.decode()
        assert household_a.house.label in body, query
        body = client.get(url("person", "list"), {"q": query}).content.decode()
        assert "张伟" in body, query


def test_part_of_a_mobile_finds_only_for_those_who_see_personal_data(client_for, clerk_a, secretary_a, household_a):
    assert "张伟" in client_for(clerk_a).get(url("person", "list"), {"q": "0013800"}).content.decode()
    assert "张伟" not in client_for(secretary_a).get(url("person", "list"), {"q": "0013800"}).content.decode()


@pytest.mark.parametrize("query", ["张伟", "粤B12345", "粤b 12345", "101", "1栋-1单元-101"])
def test_household_search_by_owner_plate_and_house(client_for, secretary_a, household_a, query):
    HouseholdFactory(house=HouseFactory(building=BuildingFactory(estate=household_a.house.building.estate), room="X9Q9"))
    body = client_for(secretary_a).get(url("household", "list"), {"q": query}).content.decode()
    assert household_a.house.label in body
    assert "X9Q9" not in body  # a marker no random name or escaped text can contain


def test_key_and_document_search(client_for, supervisor_a, estate_a, house_a):
    KeyFactory(opens_house=house_a, tag="HYY-K77")
    DocumentFactory(estate=estate_a, title="电梯维保合同", reference="HT-2026-009")
    DocumentFactory(estate=estate_a, title="其他", reference="X-1")
    client = client_for(supervisor_a)
    assert "HYY-K77" in client.get(url("key", "list"), {"q": "K77"}).content.decode()
    for query in ("维保", "HT-2026-009"):
        body = client.get(url("document", "list"), {"q": query}).content.decode()
        assert "电梯维保合同" in body and "X-1" not in body


def test_listing_filters(client_for, supervisor_a, estate_a, household_a):
    DocumentFactory(estate=estate_a, title="二〇二四年度总结", category="report", year=2024)
    DocumentFactory(estate=estate_a, title="第三次业委会记录", category="minutes", year=2026)
    client = client_for(supervisor_a)
    body = client.get(url("document", "list"), {"category": "report"}).content.decode()
    assert "二〇二四年度总结" in body and "第三次业委会记录" not in body
    body = client.get(url("document", "list"), {"year": "2026"}).content.decode()
    assert "第三次业委会记录" in body and "二〇二四年度总结" not in body
    body = client.get(url("person", "list"), {"role": "family"}).content.decode()
    assert "李娜" in body and "张伟" not in body


# --- constant queries -----------------------------------------------------------------------------


def _make_rows(model, estate, n):
    building = BuildingFactory(estate=estate)
    for _ in range(n):
        if model in ("household", "person", "vehicle"):
            household = HouseholdFactory(house=HouseFactory(building=building))
            PersonFactory(household=household)
            VehicleFactory(household=household)
        elif model == "key":
            KeyFactory(opens_house=HouseFactory(building=building))
        else:
            DocumentFactory(estate=estate, household=HouseholdFactory(house=HouseFactory(building=building)))


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", MODELS)
def test_listing_queries_do_not_grow_with_rows(client_for, supervisor_a, estate_a, model, settings):
    client = client_for(supervisor_a)
    _make_rows(model, estate_a, 10)
    few = _count_queries(client, url(model, "list"))
    _make_rows(model, estate_a, 90)  # 100 rows: a full page of 50
    many = _count_queries(client, url(model, "list"))
    assert many == few, (few, many)
