"""Personal data in the archives: masked for roles without the permission, logged when shown."""

import pytest
from archives import services
from django.contrib.auth.models import Permission
from django.urls import reverse
from estates import roles
from estates.models import PersonalDataAccess

from tests.archives.conftest import OWNER_ID, OWNER_MOBILE, household_post_data

MASKED_MOBILE = "138****8000"
MASKED_ID = OWNER_ID[:3] + "*" * 11 + OWNER_ID[-4:]


def url(model, action, *args):
    return reverse(f"wagtailsnippets_archives_{model}:{action}", args=args)


def _pages(household, owner):
    return [
        url("household", "list"), url("person", "list"),
        url("household", "inspect", household.pk), url("person", "inspect", owner.pk),
        reverse("archives_history", args=("household", household.pk)),
        reverse("archives_history", args=("person", owner.pk)),
    ]


@pytest.mark.parametrize("role", [roles.SECRETARY, roles.FRONT_DESK])
def test_masked_everywhere_for_roles_without_the_permission(make_user, client_for, household_a, owner_a, role):
    client = client_for(make_user(role, [household_a.house.building.estate]))
    for page in _pages(household_a, owner_a):
        body = client.get(page).content.decode()
        assert OWNER_MOBILE not in body and OWNER_ID not in body, page
    assert MASKED_MOBILE in client.get(url("household", "list")).content.decode()
    body = client.get(url("household", "inspect", household_a.pk)).content.decode()
    assert MASKED_MOBILE in body and MASKED_ID in body
    assert not PersonalDataAccess.objects.exists()


def test_history_diffs_are_masked_too(client_for, secretary_a, clerk_a, household_a, owner_a):
    services.person_update(person=owner_a, mobile="13911112222", id_number="", by=clerk_a)
    body = client_for(secretary_a).get(reverse("archives_history", args=("household", household_a.pk))).content.decode()
    assert "139****2222" in body and MASKED_MOBILE in body
    assert "13911112222" not in body and OWNER_ID not in body


@pytest.mark.parametrize("role", [roles.CLERK, roles.SUPERVISOR, roles.ESTATE_MANAGER, roles.STEWARD])
def test_unmasked_for_roles_with_the_permission_and_logged(make_user, client_for, household_a, owner_a, role):
    user = make_user(role, [household_a.house.building.estate])
    body = client_for(user).get(url("household", "inspect", household_a.pk)).content.decode()
    assert OWNER_MOBILE in body and OWNER_ID in body
    entry = PersonalDataAccess.objects.get(object_id=str(owner_a.pk))
    assert entry.user == user and entry.action == "view"
    assert entry.fields == "mobile, id_number"
    assert entry.estate == household_a.house.building.estate
    assert PersonalDataAccess.objects.count() == 2  # the owner and the family member


@pytest.mark.parametrize("page", ["person_inspect", "person_edit", "household_edit", "history"])
def test_every_unmasked_display_is_logged(client_for, clerk_a, household_a, owner_a, page):
    if page == "history":
        services.person_update(person=owner_a, mobile="13911112222", by=clerk_a)
        path = reverse("archives_history", args=("person", owner_a.pk))
    elif page.startswith("person"):
        path = url("person", page.split("_")[1], owner_a.pk)
    else:
        path = url("household", "edit", household_a.pk)
    assert client_for(clerk_a).get(path).status_code == 200
    assert PersonalDataAccess.objects.filter(user=clerk_a, object_id=str(owner_a.pk)).exists()


def test_saving_a_form_does_not_log_a_view(client_for, clerk_a, household_a):
    client_for(clerk_a).post(url("household", "edit", household_a.pk), household_post_data(household_a))
    assert not PersonalDataAccess.objects.exists()


@pytest.fixture
def editor_without_personal_data(make_user, estate_a):
    """A login that may edit households and people but may not see personal data (a custom role)."""
    user = make_user(None, [estate_a])
    codenames = ["change_household", "view_household", "change_person", "view_person", "add_person"]
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="archives", codename__in=codenames),
        Permission.objects.get(codename="access_admin"),
    )
    return user


def test_masked_form_value_never_overwrites_the_real_one(client_for, editor_without_personal_data, owner_a):
    client = client_for(editor_without_personal_data)
    response = client.get(url("person", "edit", owner_a.pk))
    body = response.content.decode()
    assert MASKED_MOBILE in body and OWNER_MOBILE not in body and OWNER_ID not in body
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(name="张大伟", household=owner_a.household_id)
    assert data["mobile"] == MASKED_MOBILE
    assert client.post(url("person", "edit", owner_a.pk), data).status_code == 302
    owner_a.refresh_from_db()
    assert (owner_a.name, owner_a.mobile, owner_a.id_number) == ("张大伟", OWNER_MOBILE, OWNER_ID)
    # a newly typed number does replace it
    data["mobile"] = "139 1111 2222"
    assert client.post(url("person", "edit", owner_a.pk), data).status_code == 302
    owner_a.refresh_from_db()
    assert owner_a.mobile == "13911112222" and owner_a.id_number == OWNER_ID


def test_masked_inline_values_are_kept_on_the_household_screen(client_for, editor_without_personal_data,
                                                               household_a, owner_a):
    client = client_for(editor_without_personal_data)
    body = client.get(url("household", "edit", household_a.pk)).content.decode()
    assert MASKED_MOBILE in body and OWNER_MOBILE not in body and OWNER_ID not in body
    data = household_post_data(household_a, notes="已核对")
    for i, person in enumerate(household_a.people.order_by("pk")):
        data[f"people-{i}-mobile"] = "138****8000" if person.pk == owner_a.pk else "139****9000"
        data[f"people-{i}-id_number"] = MASKED_ID if person.pk == owner_a.pk else person.id_number[:3] + "*" * 11 + person.id_number[-4:]
    response = client.post(url("household", "edit", household_a.pk), data)
    assert response.status_code == 302, response.context["form"].formsets["people"].errors
    owner_a.refresh_from_db()
    assert (owner_a.mobile, owner_a.id_number) == (OWNER_MOBILE, OWNER_ID)
    assert household_a.people.get(role="family").mobile == "13900139000"


def test_supervisors_read_the_access_log_and_nobody_edits_it(client_for, clerk_a, supervisor_a, household_a):
    client_for(clerk_a).get(url("household", "inspect", household_a.pk))
    log_url = reverse("wagtailsnippets_estates_personaldataaccess:list")
    body = client_for(supervisor_a).get(log_url).content.decode()
    assert "张伟" in body
    assert client_for(clerk_a).get(log_url).status_code == 302
    entry = PersonalDataAccess.objects.first()
    edit = reverse("wagtailsnippets_estates_personaldataaccess:edit", args=(entry.pk,))
    assert client_for(supervisor_a).get(edit).status_code == 302


def test_listings_that_show_personal_data_unmasked_are_logged_per_person(client_for, clerk_a, household_a, owner_a):
    client = client_for(clerk_a)
    body = client.get(url("person", "list")).content.decode()
    assert OWNER_MOBILE in body and OWNER_ID in body
    assert set(PersonalDataAccess.objects.values_list("object_id", "fields")) == {
        (str(p.pk), "mobile, id_number") for p in household_a.people.all()
    }
    PersonalDataAccess.objects.all().delete()
    assert OWNER_MOBILE in client.get(url("household", "list")).content.decode()
    entry = PersonalDataAccess.objects.get()  # only the owner's mobile is listed there
    assert (entry.object_id, entry.fields, entry.estate) == (str(owner_a.pk), "mobile", household_a.house.building.estate)


def test_masked_listings_are_not_logged(client_for, secretary_a, household_a):
    client_for(secretary_a).get(url("person", "list"))
    client_for(secretary_a).get(url("household", "list"))
    assert not PersonalDataAccess.objects.exists()
