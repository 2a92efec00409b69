"""Stewards own households: the bulk "assign a steward" action, "my households", history."""

import pytest
from archives.factories import HouseholdFactory
from archives.models import Household
from archives.stewards import households_assign_steward
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def building_households(estate_a):
    """Building 5: unit 1 has three households, unit 2 has two."""
    building = BuildingFactory(estate=estate_a, name="5栋")
    return [
        HouseholdFactory(house=HouseFactory(building=building, unit=unit, floor=i + 1, room=f"{i + 1}01"))
        for unit, count in (("1", 3), ("2", 2)) for i in range(count)
    ]


@pytest.fixture
def steward_a2(make_user, estate_a):
    return make_user(roles.STEWARD, [estate_a], username="steward_a2", first_name="芳", last_name="李")


def _bulk_url(ids, next_url="/admin/snippets/archives/household/"):
    from urllib.parse import urlencode

    query = urlencode([("next", next_url), *[("id", i) for i in ids]])
    return reverse("wagtail_bulk_action", args=("archives", "household", "assign_steward")) + "?" + query


def test_bulk_assign_by_unit_from_the_filtered_listing(building_households, supervisor_a, steward_a, client_for):
    unit_1 = building_households[:3]
    building = unit_1[0].house.building
    listing = f"/admin/snippets/archives/household/?house__building={building.pk}&house__unit=1"
    client = client_for(supervisor_a)
    page = client.get(_bulk_url(["all"], listing))
    assert page.status_code == 200 and "5栋" in page.content.decode()
    response = client.post(_bulk_url(["all"], listing), {"steward": steward_a.pk})
    assert response.status_code == 302
    assert set(Household.objects.filter(steward=steward_a)) == set(unit_1)
    assert not Household.objects.filter(house__unit="2", steward__isnull=False).exists()


def test_reassigning_keeps_history(building_households, supervisor_a, steward_a, steward_a2):
    households_assign_steward(households=building_households, steward=steward_a, by=supervisor_a)
    households_assign_steward(households=building_households, steward=steward_a2, by=supervisor_a)
    household = building_households[0]
    stewards = list(household.history.order_by("history_date").values_list("steward_id", "history_user_id"))
    assert stewards[-2:] == [(steward_a.pk, supervisor_a.pk), (steward_a2.pk, supervisor_a.pk)]
    # Nothing changes, nothing is written.
    assert households_assign_steward(households=building_households, steward=steward_a2, by=supervisor_a) == 0


def test_only_a_steward_of_the_estate(building_households, supervisor_a, clerk_a, make_user, estate_b, client_for):
    steward_b = make_user(roles.STEWARD, [estate_b], username="steward_b")
    with pytest.raises(ValidationError):
        households_assign_steward(households=building_households, steward=clerk_a, by=supervisor_a)
    with pytest.raises(ValidationError):
        households_assign_steward(households=building_households, steward=steward_b, by=supervisor_a)
    # Through the page: another estate's steward is not even a choice: the form again, nothing written.
    response = client_for(supervisor_a).post(_bulk_url([h.pk for h in building_households]), {"steward": steward_b.pk})
    assert response.status_code == 200
    assert not Household.objects.filter(steward__isnull=False).exists()


def test_another_estates_households_are_not_touched(building_households, household_b, make_user, estate_b, steward_a,
                                                     supervisor_a, client_for):
    with pytest.raises(PermissionDenied):
        households_assign_steward(households=[household_b], steward=None, by=supervisor_a)
    client_for(supervisor_a).post(_bulk_url(["all"]), {"steward": steward_a.pk})
    household_b.refresh_from_db()
    assert household_b.steward is None
    assert Household.objects.filter(steward=steward_a).count() == len(building_households)


def test_my_households_filter(building_households, steward_a, steward_a2, supervisor_a, client_for):
    households_assign_steward(households=building_households[:2], steward=steward_a, by=supervisor_a)
    households_assign_steward(households=building_households[2:], steward=steward_a2, by=supervisor_a)
    url = reverse("wagtailsnippets_archives_household:list")
    mine = client_for(steward_a).get(url + "?mine=me")
    assert mine.status_code == 200
    assert {h.pk for h in mine.context["object_list"]} == {h.pk for h in building_households[:2]}
    theirs = client_for(supervisor_a).get(url + f"?steward={steward_a2.pk}")
    assert {h.pk for h in theirs.context["object_list"]} == {h.pk for h in building_households[2:]}
    assert steward_a2.get_full_name() in theirs.content.decode()  # the steward column


def test_my_households_is_empty_for_staff_of_another_estate(building_households, client_for, clerk_b):
    response = client_for(clerk_b).get(reverse("wagtailsnippets_archives_household:list") + "?mine=me")
    assert response.status_code == 200 and not list(response.context["object_list"])


def test_my_households_on_tickets_and_arrears(building_households, steward_a, supervisor_a, client_for):
    from fees.models import ArrearsCase
    from servicedesk.factories import TicketFactory

    households_assign_steward(households=building_households[:1], steward=steward_a, by=supervisor_a)
    mine_house, other_house = building_households[0].house, building_households[1].house
    mine, other = TicketFactory(house=mine_house), TicketFactory(house=other_house)
    ArrearsCase.objects.create(house=mine_house, estate=mine_house.building.estate, amount=100, months=2)
    ArrearsCase.objects.create(house=other_house, estate=other_house.building.estate, amount=200, months=4)
    client = client_for(steward_a)
    tickets = client.get(reverse("wagtailsnippets_servicedesk_ticket:list") + "?mine=me")
    assert [t.pk for t in tickets.context["object_list"]] == [mine.pk]
    assert {t.pk for t in client.get(reverse("wagtailsnippets_servicedesk_ticket:list")).context["object_list"]} == {mine.pk, other.pk}
    cases = client.get(reverse("wagtailsnippets_fees_arrearscase:list") + "?mine=me")
    assert cases.status_code == 200
    assert [c.house_id for c in cases.context["object_list"]] == [mine_house.pk]


def test_the_stewards_workbench(building_households, steward_a, steward_a2, supervisor_a, client_for):
    from datetime import timedelta

    from archives.factories import PersonFactory, VehicleFactory
    from django.utils import timezone
    from fees.models import ArrearsCase
    from servicedesk.factories import TicketFactory

    households_assign_steward(households=building_households[:2], steward=steward_a, by=supervisor_a)
    households_assign_steward(households=building_households[2:], steward=steward_a2, by=supervisor_a)
    mine, theirs = building_households[0], building_households[2]
    today = timezone.localdate()
    for household, tag in ((mine, "MINE"), (theirs, "THEIRS")):
        house = household.house
        TicketFactory(house=house, number=f"R-{tag}-OPEN")
        TicketFactory(house=house, number=f"R-{tag}-DONE", status="done")
        ArrearsCase.objects.create(house=house, estate=house.building.estate, amount=300, months=3, next_step="visit")
        VehicleFactory(household=household, plate=f"沪A{tag[:1]}1234", permit_valid_to=today + timedelta(days=5))
        PersonFactory(household=household, name=f"租户{tag}", role="tenant",
                      lease_start=today - timedelta(days=300), lease_end=today + timedelta(days=10))
    VehicleFactory(household=mine, plate="沪B99999", permit_valid_to=today + timedelta(days=200))  # not soon
    response = client_for(steward_a).get(reverse("archives_workbench"))
    assert response.status_code == 200
    bench = response.context["bench"]
    assert bench.households == 2
    assert [t.number for t in bench.open_tickets] == ["R-MINE-OPEN"]
    assert [t.number for t in bench.return_visits] == ["R-MINE-DONE"]
    assert [c.house for c in bench.arrears] == [mine.house]
    assert [v.plate for v in bench.permits] == ["沪AM1234"]
    assert [p.name for p in bench.leases] == ["租户MINE"]
    assert "THEIRS" not in response.content.decode()


def test_demo_steward_owns_a_building(db):
    from archives import demo as archives_demo
    from estates import demo as estates_demo

    estates = estates_demo.load(houses=40, seed=7)
    archives_demo.load(estates=estates, seed=7)
    owned = Household.objects.filter(steward__username="steward")
    assert owned.exists()
    assert {h.house.building_id for h in owned} == {owned.first().house.building_id}
