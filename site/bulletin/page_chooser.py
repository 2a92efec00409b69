"""Wagtail's page chooser narrowed to the user's estates' pages.

Wagtail filters its explorer, page search and admin API by the page permission policy, but not
the page chooser: browsing lists a parent's children, searching lists every page and
``chosen-multiple`` answers any id. Here the ``construct_page_chooser_queryset`` hook narrows the
listings, and the two views that bypass the hook (browsing a given parent, chosen-multiple) are
replaced by versions that answer 404 for a page outside the user's estates. ``urlpatterns`` is
mounted under ``admin/`` ahead of Wagtail's own admin URLs.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from estates.scoping import valid_pks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser
from wagtail.models import Page

from bulletin.permissions import estate_page_ids


def scope_pages(pages, request):
    ids = estate_page_ids(request.user)
    return pages if ids is None else pages.filter(pk__in=ids)


def _reachable_or_404(request, pks) -> None:
    found = scope_pages(Page.objects.filter(pk__in=pks), request).count()
    if found != len(set(pks)):
        raise Http404


class ScopedBrowseView(chooser.BrowseView):
    def get(self, request, parent_page_id=None):
        if parent_page_id is not None:
            _reachable_or_404(request, [parent_page_id])
        return super().get(request, parent_page_id)


class ScopedChosenMultipleView(chooser.ChosenMultipleView):
    def get(self, request):
        _reachable_or_404(request, valid_pks(Page, request.GET.getlist("id")))
        return super().get(request)


urlpatterns = [
    path("choose-page/<int:parent_page_id>/", require_admin_access(ScopedBrowseView.as_view())),
    path("choose-page/chosen-multiple/", require_admin_access(ScopedChosenMultipleView.as_view())),
]
