"""The admin's create, edit and delete of every archive record run archives.services.

Each test spies on the service the admin's action calls; it would fail if Wagtail's form saved
the record directly (the service would not be called) and shows that a service refusal is a
message and a 400 with nothing written.
"""

import pytest
from archives import services
from archives.factories import KeyFactory
from archives.models import Document, Household, Key, Person, Vehicle
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.actions.registry import action_registry

from tests.archives.conftest import household_post_data


def url(model, action, *args):
    return reverse(f"wagtailsnippets_archives_{model}:{action}", args=args)


@pytest.fixture
def spy(monkeypatch):
    """spy(model, action) → the list of calls the admin's action makes to its service."""

    def _spy(model, action):
        action_class = action_registry.get_action_class(model, action)
        attr = "delete_service" if action == "delete" else "save_service"
        real = getattr(action_class, attr)  # AttributeError: the admin does not use a service
        calls = []

        def wrapper(**kwargs):
            calls.append(kwargs)
            return real(**kwargs)

        monkeypatch.setattr(action_class, attr, staticmethod(wrapper))
        return calls

    return _spy


@pytest.mark.parametrize("model", [Household, Person, Vehicle, Key, Document])
def test_every_archive_model_writes_through_the_archive_services(model):
    for action in ("create", "edit"):
        assert action_registry.get_action_class(model, action).save_service is services.record_save
    assert action_registry.get_action_class(model, "delete").delete_service is services.record_delete


def _key_data(estate, **overrides):
    return {"estate": estate.pk, "tag": "K-泵房", "opens_room": "水泵房", "cabinet": "A", "slot": "1",
            "copies": 2, "status": "in_cabinet", "notes": "", **overrides}


def test_creating_a_key_in_the_admin_calls_the_service(client_for, clerk_a, estate_a, spy):
    calls = spy(Key, "create")
    response = client_for(clerk_a).post(url("key", "add"), _key_data(estate_a))
    assert response.status_code == 302
    assert [c["by"] for c in calls] == [clerk_a]
    key = Key.objects.get()
    assert key.history.get().history_user == clerk_a


def test_editing_a_key_in_the_admin_calls_the_service(client_for, clerk_a, estate_a, spy):
    key = KeyFactory(estate=estate_a, opens_house=None, opens_room="屋顶")
    calls = spy(Key, "edit")
    response = client_for(clerk_a).post(url("key", "edit", key.pk), _key_data(estate_a, tag=key.tag, slot="9"))
    assert response.status_code == 302
    assert len(calls) == 1 and calls[0]["instance"].pk == key.pk
    key.refresh_from_db()
    assert key.slot == "9"


def test_deleting_a_household_in_the_admin_calls_the_service(client_for, supervisor_a, household_a, spy):
    calls = spy(Household, "delete")
    response = client_for(supervisor_a).post(url("household", "delete", household_a.pk))
    assert response.status_code == 302
    assert [c["by"] for c in calls] == [supervisor_a]
    assert not Household.objects.exists()
    assert Household.history.filter(history_type="-").get().history_user == supervisor_a


def test_creating_a_household_with_people_saves_them_through_the_service(client_for, clerk_a, house_a, spy):
    calls = spy(Household, "create")
    data = household_post_data(
        Household(house=house_a),
        people=[{"name": "张伟", "role": "owner", "relationship": "", "mobile": "138 0013 8000",
                 "id_type": "resident_id", "id_number": "", "move_in": "", "lease_start": "", "lease_end": "",
                 "notes": ""}],
        vehicles=[],
    )
    assert client_for(clerk_a).post(url("household", "add"), data).status_code == 302
    assert len(calls) == 1
    assert Household.objects.get().people.get().name == "张伟"


def test_a_service_refusal_is_a_message_and_a_400_and_writes_nothing(client_for, clerk_a, estate_a, monkeypatch):
    action_class = action_registry.get_action_class(Key, "create")
    real = action_class.save_service

    def refusing(**kwargs):
        real(**kwargs)  # the row is written, then the rule refuses: the view must roll it back
        raise ValidationError({"tag": "规则拒绝"})

    monkeypatch.setattr(action_class, "save_service", staticmethod(refusing))
    response = client_for(clerk_a).post(url("key", "add"), _key_data(estate_a))
    assert response.status_code == 400
    assert "规则拒绝" in response.content.decode()
    assert not Key.objects.exists()
    assert not Key.history.exists()


def test_a_protected_deletion_is_refused_with_a_message(client_for, supervisor_a, estate_a, monkeypatch):
    key = KeyFactory(estate=estate_a)
    action_class = action_registry.get_action_class(Key, "delete")

    def refusing(**kwargs):
        raise ValidationError("仍在使用")

    monkeypatch.setattr(action_class, "delete_service", staticmethod(refusing))
    response = client_for(supervisor_a).post(url("key", "delete", key.pk))
    assert response.status_code == 400
    assert Key.objects.filter(pk=key.pk).exists()
