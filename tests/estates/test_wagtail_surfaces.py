"""Wagtail's own admin surfaces obey the estate policy: snippet choosers and bulk actions."""

import json

import pytest
from archives.factories import HouseholdFactory, PersonFactory
from django.urls import NoReverseMatch, reverse
from estates import roles
from estates.models import House

pytestmark = pytest.mark.django_db


def chooser(model_path, name, *args):
    app, model = model_path.split(".")
    return reverse(f"wagtailsnippetchoosers_{app}_{model}:{name}", args=args)


def text(response) -> str:
    """The body as text; modal responses are JSON, whose escaped Chinese is decoded here."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def people(house_a, house_b):
    return (
        PersonFactory(household=HouseholdFactory(house=house_a), name="甲业主"),
        PersonFactory(household=HouseholdFactory(house=house_b), name="乙业主"),
    )


def test_chooser_lists_only_the_users_estates(client_for, clerk_a, people):
    client = client_for(clerk_a)
    for name in ("choose", "choose_results"):
        content = text(client.get(chooser("archives.person", name)))
        assert "甲业主" in content
        assert "乙业主" not in content


def test_chosen_and_chosen_multiple_refuse_another_estates_records(client_for, clerk_a, people):
    mine, theirs = people
    client = client_for(clerk_a)
    assert client.get(chooser("archives.person", "chosen", mine.pk)).status_code == 200
    assert client.get(chooser("archives.person", "chosen", theirs.pk)).status_code == 404
    response = client.get(chooser("archives.person", "chosen_multiple") + f"?id={mine.pk}&id={theirs.pk}")
    assert response.status_code == 200
    assert "甲业主" in text(response)
    assert "乙业主" not in text(response)


def test_chooser_without_view_permission_is_forbidden(client_for, make_user, estate_a, people):
    maintenance = make_user(roles.MAINTENANCE, [estate_a], username="m")
    client = client_for(maintenance)
    for url in (
        chooser("archives.person", "choose"),
        chooser("archives.person", "choose_results"),
        chooser("archives.person", "chosen", people[0].pk),
        chooser("archives.person", "chosen_multiple") + f"?id={people[0].pk}",
    ):
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "甲业主" not in text(response) if response.status_code == 403 else True


@pytest.mark.parametrize("url", ["chosen/abc/", "chosen-multiple/?id=abc", "chosen-multiple/?id=1&id=x%00"])
def test_non_numeric_ids_are_not_found(client_for, clerk_a, url):
    # A NUL byte in the query string is refused (400) before any view runs (estatedesk.middleware).
    expected = 400 if "%00" in url else 404
    assert client_for(clerk_a).get(chooser("estates.house", "choose") + url).status_code == expected


def test_chooser_create_post_is_not_found_not_500(client_for, make_user, estate_a):
    manager = make_user(roles.ESTATE_MANAGER, [estate_a], username="mgr")
    client = client_for(manager)
    response = client.post(chooser("estates.house", "create"), {"room": "1"})
    assert response.status_code == 404
    assert not House.objects.filter(room="1").exists()


@pytest.mark.parametrize("model", ["notifications.message", "estates.personaldataaccess"])
def test_logs_have_no_chooser(client, admin_user, model):
    client.force_login(admin_user)
    with pytest.raises(NoReverseMatch):
        chooser(model, "choose")
    app, name = model.split(".")
    assert client.get(f"/admin/snippets/choose/{app}/{name}/").status_code == 404
    assert client.get(f"/admin/snippets/choose/{app}/{name}/chosen-multiple/?id=1").status_code == 404


def bulk_delete(model_path, *ids):
    app, model = model_path.split(".")
    query = "&".join(f"id={i}" for i in ids)
    return f"/admin/bulk/{app}/{model}/delete/?{query}"


def test_bulk_confirm_page_does_not_name_another_estates_records(client_for, supervisor_a, make_user, estate_a, people):
    mine, theirs = people
    manager = make_user(roles.ESTATE_MANAGER, [estate_a], username="mgr")
    client = client_for(manager)
    response = client.get(bulk_delete("archives.person", mine.pk, theirs.pk))
    assert response.status_code == 200
    assert "甲业主" in text(response)
    assert "乙业主" not in text(response)
    # Only the other estate's ids: nothing to act on.
    assert client.get(bulk_delete("archives.person", theirs.pk)).status_code == 404
    assert client.get(bulk_delete("archives.person", "abc")).status_code == 404


def test_bulk_delete_post_leaves_another_estates_records(client_for, make_user, estate_a, people):
    from archives.models import Person

    mine, theirs = people
    manager = make_user(roles.ESTATE_MANAGER, [estate_a], username="mgr")
    client = client_for(manager)
    client.post(bulk_delete("archives.person", theirs.pk))
    client.post(bulk_delete("archives.person", mine.pk, theirs.pk) + "&id=all")
    assert Person.objects.filter(pk=theirs.pk).exists()
