"""Every display or export of unmasked personal data writes an access-log row with its estate;
masked roles cannot search by part of a mobile."""

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from bulletin.factories import EventPageFactory, EventSignupFactory, home_for
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import PersonalDataAccess
from fees.factories import ArrearsCaseFactory, ChasingStepFactory
from notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db


def _rows(user, action="view"):
    return list(PersonalDataAccess.objects.filter(user=user, action=action).select_related("estate"))


@pytest.fixture
def manager(make_user, estate_a, estate_b):
    return make_user(roles.ESTATE_MANAGER, [estate_a, estate_b], username="mgr")


# --- exports: one row per estate ------------------------------------------------------------
def test_the_people_export_is_logged_with_each_estate(client_for, manager, house_a, house_b):
    PersonFactory(household=HouseholdFactory(house=house_a), mobile="13800000001")
    PersonFactory(household=HouseholdFactory(house=house_b), mobile="13800000002")
    PersonFactory(household=HouseholdFactory(house=HouseFactory(building=house_a.building, room="102")))
    response = client_for(manager).get(reverse("spreadsheets:export", args=["archives.person"]) + "?format=csv")
    assert response.status_code == 200
    rows = _rows(manager, "export")
    assert sorted((r.estate.code, r.object_repr.split("（")[-1]) for r in rows) == [("HYY", "2 行）"), ("JHY", "1 行）")]


def test_the_arrears_board_export_is_logged_with_each_estate(client_for, manager, house_a, house_b):
    ArrearsCaseFactory(house=house_a)
    ArrearsCaseFactory(house=house_b)
    response = client_for(manager).get("/admin/snippets/fees/arrearscase/?export=csv")
    assert response.status_code == 200
    assert sorted(r.estate.code for r in _rows(manager, "export")) == ["HYY", "JHY"]


def test_a_masked_export_is_not_logged(client_for, make_user, estate_a, house_a):
    front = make_user(roles.FRONT_DESK, [estate_a], username="front")
    PersonFactory(household=HouseholdFactory(house=house_a))
    client_for(front).get(reverse("spreadsheets:export", args=["archives.person"]) + "?format=csv")
    assert not PersonalDataAccess.objects.exists()


# --- displays ---------------------------------------------------------------------------------
def test_the_fee_house_page_logs_the_full_mobile(client_for, clerk_a, house_a):
    ArrearsCaseFactory(house=house_a, contact_mobile="13912345678")
    response = client_for(clerk_a).get(reverse("fees_house", args=[house_a.pk]))
    assert "13912345678" in response.content.decode()
    [row] = _rows(clerk_a)
    assert row.estate.code == "HYY" and row.fields == "contact_mobile"


def test_the_arrears_case_edit_form_logs_the_full_mobile(client_for, clerk_a, house_a):
    case = ArrearsCaseFactory(house=house_a, contact_mobile="13912345678")
    response = client_for(clerk_a).get(reverse("wagtailsnippets_fees_arrearscase:edit", args=[case.pk]))
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    [row] = _rows(clerk_a)
    assert row.estate.code == "HYY" and row.object_id == str(case.pk)


def test_the_chasing_step_inspect_view_logs_the_recipient(client_for, clerk_a, house_a):
    step = ChasingStepFactory(house=house_a, recipient="13912345678")
    response = client_for(clerk_a).get(reverse("wagtailsnippets_fees_chasingstep:inspect", args=[step.pk]))
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    [row] = _rows(clerk_a)
    assert row.estate.code == "HYY" and row.fields == "recipient"


def test_the_message_log_listing_and_inspect_views_log_recipients(client_for, supervisor_a, estate_a):
    message = MessageFactory(estate=estate_a, recipient="13912345678")
    client = client_for(supervisor_a)
    listing = client.get(reverse("wagtailsnippets_notifications_message:list"))
    assert "13912345678" in listing.content.decode()
    [row] = _rows(supervisor_a)
    assert row.estate.code == "HYY" and "（1 行）" in row.object_repr
    client.get(reverse("wagtailsnippets_notifications_message:inspect", args=[message.pk]))
    assert len(_rows(supervisor_a)) == 2
    assert PersonalDataAccess.objects.filter(object_id=str(message.pk), estate__code="HYY").exists()


# --- search by mobile -------------------------------------------------------------------------
@pytest.fixture
def signups(estate_a):
    home_for(estate_a)
    event = EventPageFactory(estate=estate_a)
    house = HouseFactory(building=BuildingFactory(estate=estate_a, name="5栋"))
    return [EventSignupFactory(event=event, house=house, name="王五", mobile="13912345678")]


def _found(client, query) -> bool:
    response = client.get(reverse("wagtailsnippets_bulletin_eventsignup:list"), {"q": query})
    assert response.status_code == 200
    return "王五" in response.content.decode()


def test_a_masked_role_finds_a_sign_up_only_by_the_full_mobile(client_for, make_user, estate_a, signups):
    secretary = make_user(roles.SECRETARY, [estate_a], username="sec")
    client = client_for(secretary)
    assert not _found(client, "1391234")
    assert not _found(client, "5678")
    assert _found(client, "139 1234 5678")
    assert _found(client, "王五")


def test_an_unmasked_role_finds_a_sign_up_by_part_of_the_mobile(client_for, clerk_a, signups):
    assert _found(client_for(clerk_a), "5678")
