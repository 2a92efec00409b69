"""The estate-scoped policy: listings, choosers, filters and forged URLs."""

import pytest
from django.urls import reverse
from estates import roles
from estates.factories import BuildingFactory, HouseFactory
from estates.models import House

pytestmark = pytest.mark.django_db


def house_url(action, house):
    return reverse(f"wagtailsnippets_estates_house:{action}", args=[house.pk])


def test_house_listing_shows_only_the_users_estates(client_for, clerk_a, house_a, house_b):
    response = client_for(clerk_a).get(reverse("wagtailsnippets_estates_house:list"))
    assert response.status_code == 200
    shown = {h.pk for h in response.context["object_list"]}
    assert shown == {house_a.pk}


@pytest.mark.parametrize("action", ["edit", "inspect", "history", "usage", "delete"])
def test_another_estates_house_by_url_is_not_found(client_for, clerk_a, house_b, action):
    response = client_for(clerk_a).get(house_url(action, house_b))
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["edit", "inspect", "history"])
def test_own_estates_house_by_url_opens(client_for, supervisor_a, house_a, action):
    assert client_for(supervisor_a).get(house_url(action, house_a)).status_code == 200


def test_forged_post_to_another_estates_house_changes_nothing(client_for, clerk_a, house_b):
    response = client_for(clerk_a).post(house_url("edit", house_b), {"room": "hacked"})
    assert response.status_code == 404
    house_b.refresh_from_db()
    assert house_b.room != "hacked"


def test_building_choice_in_form_is_limited_to_own_estate(client_for, clerk_a, house_a, house_b):
    client = client_for(clerk_a)
    response = client.get(reverse("wagtailsnippets_estates_house:add"))
    choices = {b.pk for b in response.context["form"].fields["building"].queryset}
    assert choices == {house_a.building_id}
    # Creating a house in another estate's building by forging the POST is refused.
    response = client.post(reverse("wagtailsnippets_estates_house:add"), {
        "building": house_b.building_id, "unit": "1", "floor": 3, "room": "301",
        "area": "88.00", "status": "vacant", "use": "residential",
    })
    assert response.status_code == 200  # the form is shown again with an error
    assert "building" in response.context["form"].errors
    assert not House.objects.filter(room="301").exists()


def test_listing_filter_choices_do_not_name_other_estates(client_for, clerk_a, house_a, house_b):
    content = client_for(clerk_a).get(reverse("wagtailsnippets_estates_house:list")).content.decode()
    assert house_b.building.estate.name not in content


def test_chooser_lists_only_own_estate_and_refuses_other(client_for, clerk_a, house_a, house_b):
    client = client_for(clerk_a)
    response = client.get(reverse("wagtailsnippetchoosers_estates_house:choose_results"))
    assert response.status_code == 200
    assert {h.pk for h in response.context["results"]} == {house_a.pk}
    chosen = client.get(reverse("wagtailsnippetchoosers_estates_house:chosen", args=[house_b.pk]))
    assert chosen.status_code == 404


def test_bulk_delete_of_another_estates_house_is_refused(client_for, make_user, estate_a, house_a, house_b):
    manager = make_user(roles.ESTATE_MANAGER, [estate_a])
    url = reverse("wagtail_bulk_action", args=["estates", "house", "delete"]) + f"?id={house_b.pk}"
    client_for(manager).post(url)
    assert House.objects.filter(pk=house_b.pk).exists()


def test_superuser_sees_every_estate(client_for, make_user, house_a, house_b):
    admin = make_user(None, [], is_superuser=True)
    response = client_for(admin).get(reverse("wagtailsnippets_estates_house:list"))
    assert {h.pk for h in response.context["object_list"]} == {house_a.pk, house_b.pk}


def test_staff_of_two_estates_see_both(client_for, make_user, estate_a, estate_b, house_a, house_b):
    manager = make_user(roles.ESTATE_MANAGER, [estate_a, estate_b])
    response = client_for(manager).get(reverse("wagtailsnippets_estates_house:list"))
    assert {h.pk for h in response.context["object_list"]} == {house_a.pk, house_b.pk}


def test_house_listing_queries_do_not_grow_with_rows(client_for, clerk_a, estate_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    building = BuildingFactory(estate=estate_a)
    client = client_for(clerk_a)
    url = reverse("wagtailsnippets_estates_house:list")
    HouseFactory.create_batch(10, building=building)
    client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200
    HouseFactory.create_batch(90, building=building)
    with CaptureQueriesContext(connection) as hundred:
        response = client.get(url)
    assert len(response.context["object_list"]) == 50  # one page of 50
    assert len(hundred) == len(ten)
