"""The role matrix: groups exist with their permissions, re-syncing changes nothing, and each
role opens exactly the admin pages it may."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from estates import roles
from estates.roles import role_matrix, sync_roles

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_admin_access():
    for role in roles.ROLES:
        group = Group.objects.get(name=role)
        assert group.permissions.filter(codename="access_admin").exists(), role


def test_sync_is_idempotent():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    sync_roles(Group, Permission)
    sync_roles(Group, Permission)
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)


def test_sync_restores_a_permission_removed_by_hand():
    group = Group.objects.get(name=roles.CLERK)
    perm = Permission.objects.get(codename="view_personal_data")
    group.permissions.remove(perm)
    sync_roles(Group, Permission)
    assert group.permissions.filter(pk=perm.pk).exists()


def test_every_pattern_of_the_matrix_matches_a_permission():
    import fnmatch

    names = [f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")]
    for role, patterns in role_matrix().items():
        for pattern in patterns:
            assert fnmatch.filter(names, pattern), f"{role}: {pattern} matches no permission"


@pytest.mark.parametrize("role", roles.PERSONAL_DATA_ROLES)
def test_personal_data_roles_have_the_permission(make_user, estate_a, role):
    assert make_user(role, [estate_a]).has_perm("estates.view_personal_data")


@pytest.mark.parametrize("role", sorted(set(roles.ROLES) - set(roles.PERSONAL_DATA_ROLES)))
def test_other_roles_do_not_see_personal_data(make_user, estate_a, role):
    assert not make_user(role, [estate_a]).has_perm("estates.view_personal_data")


# (role, url name, may open?) for the foundation's admin pages. Wagtail redirects a refused
# admin page to the dashboard (302) with a message; an allowed one answers 200.
ADMIN_PAGES = [
    ("wagtailsnippets_estates_house:list", "all"),
    ("wagtailsnippets_estates_house:add", {roles.ESTATE_MANAGER, roles.SUPERVISOR, roles.CLERK}),
    ("wagtailsnippets_estates_building:add", {roles.ESTATE_MANAGER, roles.SUPERVISOR}),
    ("wagtailsnippets_estates_staffmembership:list", {roles.ESTATE_MANAGER, roles.SUPERVISOR}),
    ("wagtailsnippets_estates_staffmembership:add", {roles.ESTATE_MANAGER}),
    ("wagtailsnippets_estates_personaldataaccess:list", {roles.ESTATE_MANAGER, roles.SUPERVISOR}),
    ("wagtailsnippets_notifications_message:list", {roles.ESTATE_MANAGER, roles.SUPERVISOR}),
    ("wagtailsnippets_estates_estate:add", set()),
    ("wagtailusers_users:index", set()),
]


@pytest.mark.parametrize("role", roles.ROLES)
def test_role_opens_exactly_its_admin_pages(make_user, client_for, estate_a, role):
    client = client_for(make_user(role, [estate_a]))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    for url_name, allowed in ADMIN_PAGES:
        may = allowed == "all" or role in allowed
        status = client.get(reverse(url_name)).status_code
        assert status == (200 if may else 302), f"{role} {url_name}: {status}"


def test_house_edit_by_role(make_user, client_for, house_a):
    estate = house_a.building.estate
    url = reverse("wagtailsnippets_estates_house:edit", args=[house_a.pk])
    for role in roles.ROLES:
        status = client_for(make_user(role, [estate])).get(url).status_code
        may = role in {roles.ESTATE_MANAGER, roles.SUPERVISOR, roles.CLERK, roles.STEWARD}
        assert status == (200 if may else 302), role


def test_user_without_estate_sees_no_houses(make_user, client_for, house_a):
    user = make_user(roles.CLERK, [])
    response = client_for(user).get(reverse("wagtailsnippets_estates_house:list"))
    assert list(response.context["object_list"]) == []


def test_personal_data_log_is_read_only_for_supervisors(make_user, client_for, estate_a):
    from estates.factories import PersonalDataAccessFactory

    entry = PersonalDataAccessFactory(estate=estate_a)
    client = client_for(make_user(roles.SUPERVISOR, [estate_a]))
    assert client.get(reverse("wagtailsnippets_estates_personaldataaccess:inspect", args=[entry.pk])).status_code == 200
    edit = client.post(reverse("wagtailsnippets_estates_personaldataaccess:edit", args=[entry.pk]), {})
    assert edit.status_code == 302 and edit.url == reverse("wagtailadmin_home")
    delete = client.post(reverse("wagtailsnippets_estates_personaldataaccess:delete", args=[entry.pk]))
    assert delete.status_code == 302
    entry.refresh_from_db()


def test_docs_roles_md_is_up_to_date():
    from pathlib import Path

    from django.conf import settings
    from estates.roles_doc import render

    committed = (Path(settings.ROOT_DIR) / "docs" / "roles.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/roles.md is stale: run `make roles-doc`"
