"""The secretary's bulletin to-do: drafts (never published, not scheduled) and scheduled notices
of the user's estates, as a listing the workbench links to."""

from __future__ import annotations

from bulletin.models import EventPage, NoticePage
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from estates.scoping import estate_ids_for
from wagtail.permission_policies.pages import PagePermissionPolicy

DRAFT = "draft"
SCHEDULED = "scheduled"


def can_edit_pages(user) -> bool:
    return PagePermissionPolicy().user_has_any_permission(user, ["add", "change", "publish"])


def of_my_estates(pages, user):
    """Pages carry their estate but are not snippets (no ``estate_lookup``): filter by hand."""
    ids = estate_ids_for(user)
    return pages if ids is None else pages.filter(estate_id__in=ids)


def to_do(user, state: str):
    """Pages of the user's estates in ``state``: a list-like queryset per page type, chained."""
    if state == DRAFT:
        kinds = (NoticePage, EventPage)
    elif state == SCHEDULED:
        kinds = (NoticePage,)
    else:
        raise ValueError(state)
    return _Chain([_of(model, user, state) for model in kinds])


def _of(model, user, state):
    pages = of_my_estates(model.objects.all(), user).annotate_approved_schedule().select_related("estate")
    if state == DRAFT:
        return pages.filter(live=False, expired=False, _approved_schedule=False).order_by("-latest_revision_created_at")
    return pages.filter(_approved_schedule=True).order_by("go_live_at", "pk")


class _Chain:
    """Several querysets read as one list (count without loading the rows)."""

    def __init__(self, querysets):
        self.querysets = querysets

    def count(self) -> int:
        return sum(qs.count() for qs in self.querysets)

    def __iter__(self):
        for qs in self.querysets:
            yield from qs


def pages_view(request):
    if not can_edit_pages(request.user):
        raise PermissionDenied
    state = request.GET.get("state", DRAFT)
    if state not in (DRAFT, SCHEDULED):
        raise Http404
    titles = {DRAFT: _("Drafts"), SCHEDULED: _("Scheduled notices")}
    return render(request, "workbench/pages.html", {
        "pages": list(to_do(request.user, state)), "state": state, "title": titles[state],
    })
