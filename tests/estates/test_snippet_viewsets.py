"""Every snippet listing of an estate-owned model is built on the one base, so scoping, paging,
the database search and the write path's error handling are said once, and a listing that
forgets them fails here rather than in front of staff."""

from __future__ import annotations

import pytest
from estates.admin_writes import ServiceErrorsMixin
from estates.scoping import is_estate_scoped
from estates.viewsets import EstateSnippetViewSet
from wagtail.snippets.models import get_snippet_models

pytestmark = pytest.mark.django_db


def _estate_owned_snippets():
    return [model for model in get_snippet_models() if is_estate_scoped(model)]


def test_there_are_estate_owned_snippets():
    names = {model._meta.label for model in _estate_owned_snippets()}
    # One per app the brief names, so a registration that disappears is noticed too.
    assert {"estates.House", "servicedesk.Ticket", "lending.Loan", "bulletin.EventSignup",
            "notifications.Message", "fees.Bill", "archives.Household"} <= names


@pytest.mark.parametrize("model", _estate_owned_snippets(), ids=lambda model: model._meta.label)
def test_estate_owned_snippet_uses_the_one_base(model):
    viewset = model.snippet_viewset
    assert isinstance(viewset, EstateSnippetViewSet)
    assert viewset.list_per_page == 50
    assert viewset.copy_view_enabled is False
    assert viewset.search_backend_name is None
    for attr in ("add_view_class", "edit_view_class", "delete_view_class"):
        assert issubclass(getattr(viewset, attr), ServiceErrorsMixin)
