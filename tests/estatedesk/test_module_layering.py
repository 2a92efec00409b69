"""Modules by sub-domain without import cycles: the models of an app never reach up into its
reads or writes, a selector never reaches into the services, and the packages that replaced the
large modules still offer every name from the old import paths."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import models

SITE = Path(__file__).resolve().parents[2] / "site"


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _files(relative: str) -> list[Path]:
    target = SITE / relative
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ("bulletin/models", "bulletin.selectors"),
        ("bulletin/models", "bulletin.services"),
        ("bulletin/cache.py", "bulletin.models"),
        ("fees/models", "fees.services"),
        ("servicedesk/selectors.py", "servicedesk.services"),
    ],
)
def test_lower_layer_does_not_import_upper(lower, upper):
    offenders = [
        str(path.relative_to(SITE))
        for path in _files(lower)
        if any(name == upper or name.startswith(f"{upper}.") for name in _imported_modules(path))
    ]
    assert offenders == [], f"{offenders} import {upper}: an import cycle"


def test_split_packages_keep_the_old_import_paths():
    import bulletin.models
    import fees.models
    import servicedesk.views
    from bulletin.models import pages, signups
    from fees.models import arrears, billing, invoices, letters, payments, rates, watch
    from servicedesk.views import admin, public

    for package, modules in (
        (bulletin.models, (pages, signups)),
        (fees.models, (rates, billing, payments, arrears, invoices, letters, watch)),
        (servicedesk.views, (admin, public)),
    ):
        for module in modules:
            for name, value in vars(module).items():
                is_model = (
                    isinstance(value, type) and issubclass(value, models.Model) and value.__module__ == module.__name__
                )
                is_view = callable(value) and name.endswith("_view")
                if (is_model or is_view) and not name.startswith("_"):
                    assert getattr(package, name, None) is value, f"{package.__name__}.{name} is missing"
