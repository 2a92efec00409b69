"""Roles are Django groups; what each may do is this declarative matrix.

Every project app may have a ``roles.py`` with a ``ROLE_PERMISSIONS`` dict mapping a role name to
permission patterns ("app_label.codename", shell-style wildcards allowed). ``sync_roles`` merges
them all and gives each group exactly those permissions. It runs from a data migration and again
after every ``migrate`` (so permissions of models added later are granted too); running it again
changes nothing. The matrix is the source of truth: docs/roles.md describes it.
"""

from __future__ import annotations

import fnmatch
import importlib

from django.conf import settings

ESTATE_MANAGER = "项目经理 Estate manager"
SUPERVISOR = "客服主管 Service supervisor"
CLERK = "客服专员 Service clerk"
FRONT_DESK = "前台接待 Front desk"
SECRETARY = "秘书 Secretary"
STEWARD = "管家 Steward"
MAINTENANCE = "工程维修 Maintenance"

ROLES = [ESTATE_MANAGER, SUPERVISOR, CLERK, FRONT_DESK, SECRETARY, STEWARD, MAINTENANCE]

#: Roles that may see ID numbers and full mobile numbers (DOMAIN.md: only those who need them).
PERSONAL_DATA_ROLES = [ESTATE_MANAGER, SUPERVISOR, CLERK, STEWARD]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    role: ["wagtailadmin.access_admin", "estates.view_estate", "estates.view_building", "estates.view_house"]
    for role in ROLES
}
ROLE_PERMISSIONS[ESTATE_MANAGER] += [
    "estates.change_estate",
    "estates.*_building",
    "estates.*_house",
    "estates.*_staffmembership",
    "estates.view_personaldataaccess",
]
ROLE_PERMISSIONS[SUPERVISOR] += [
    "estates.add_building", "estates.change_building",
    "estates.add_house", "estates.change_house",
    "estates.view_staffmembership",
    "estates.view_personaldataaccess",
]
ROLE_PERMISSIONS[CLERK] += ["estates.add_house", "estates.change_house"]
ROLE_PERMISSIONS[STEWARD] += ["estates.change_house"]
for _role in PERSONAL_DATA_ROLES:
    ROLE_PERMISSIONS[_role].append("estates.view_personal_data")


def role_matrix() -> dict[str, list[str]]:
    """The merged matrix of every project app's roles.py."""
    merged: dict[str, list[str]] = {role: [] for role in ROLES}
    for app in settings.PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.roles":
                raise
            continue
        for role, patterns in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged.setdefault(role, []).extend(patterns)
    return merged


def sync_roles(group_model, permission_model) -> None:
    """Create the groups and give each exactly the permissions of the matrix."""
    permissions = list(permission_model.objects.select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in permissions}
    for role, patterns in role_matrix().items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = {
            by_name[name]
            for pattern in patterns
            for name in fnmatch.filter(by_name, pattern)
        }
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate fires once per app with models; sync once, after the last of them.

    Our receiver may run before Django's own create_permissions for that app, so permissions
    of every app are created first (create_permissions is idempotent).
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles(Group, Permission)
