"""Render the role matrix as Markdown (docs/roles.md is this output; a test keeps them equal)."""

import fnmatch

from django.contrib.auth.models import Permission
from django.utils import translation

from estates.roles import ROLES, role_matrix

HEADER = """# Roles (角色) and what each may do

Generated from the `roles.py` of every app by `make roles-doc`; a test fails when this file is
out of date. Roles are Django groups; a staff member also belongs to one or more estates and
sees only those estates' records. Superusers see and do everything.

Legend: V view · A add · C change · D delete; other permissions are named.
"""


def render() -> str:
    perms = list(Permission.objects.select_related("content_type").order_by("content_type__app_label", "codename"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in perms}
    matrix = role_matrix()
    granted = {
        role: {name for pattern in matrix.get(role, []) for name in fnmatch.filter(by_name, pattern)}
        for role in ROLES
    }
    all_granted = set().union(*granted.values())
    rows: dict[str, dict[str, set[str]]] = {}
    extra: dict[str, str] = {}
    for name in sorted(all_granted):
        perm = by_name[name]
        action, _, model = perm.codename.partition("_")
        if action in ("view", "add", "change", "delete") and perm.content_type.model == model:
            key = f"{perm.content_type.app_label}.{model}"
            for role in ROLES:
                if name in granted[role]:
                    rows.setdefault(key, {}).setdefault(role, set()).add(action[0].upper())
            rows.setdefault(key, {})
        else:
            extra[name] = perm.name
    with translation.override("en"):
        lines = [HEADER, "## Records", "", "| record | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
        for key in sorted(rows):
            cells = ["".join(a for a in "VACD" if a in rows[key].get(role, set())) or "—" for role in ROLES]
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
        lines += ["", "## Other permissions", "", "| permission | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
        for name in sorted(extra):
            cells = ["✓" if name in granted[role] else "—" for role in ROLES]
            lines.append(f"| `{name}` ({extra[name]}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
