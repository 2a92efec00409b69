"""Admin of the bulletin: sign-ups, return visits and ratings as snippets (estate-scoped), the
per-event report and export, and secretaries kept to their own estate's pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS, PermissionMenuItem, WorkGroupMixin
from estates.personal_views import MobileSearchIndexMixin
from estates.scoping import estate_ids_for
from estates.viewsets import EstateSnippetViewSet
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    IndexView,
    SnippetViewSetGroup,
)

from bulletin import admin_urls, admin_views, page_chooser, selectors
from bulletin.models import (
    BulletinHomePage,
    EventFeedback,
    EventPage,
    EventReturnVisit,
    EventSignup,
)


@hooks.register("before_serve_document")
def serve_only_published_documents(document, request):
    """Public document URLs serve only files of published content; staff who may choose the
    document (its estate's editors) also get drafts' files."""
    policy = policy_registry.get_by_type(type(document))
    if policy.user_has_any_permission_for_instance(request.user, ["choose", "change"], document):
        return None
    if not selectors.document_is_published(document):
        raise Http404


@hooks.register("before_move_page")
def move_only_what_the_user_may_move(request, page, destination):
    """Wagtail's move-confirm page (GET) shows the page and its children without asking the page's
    permissions; the POST does. Asking here keeps another estate's titles out of it too."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("bulletin/", include(admin_urls))]


@hooks.register(MENU_HOOKS["reports"])
def register_event_reports_menu_item():
    return PermissionMenuItem(
        _("Event reports"), reverse("bulletin_admin_events"), icon_name="date", order=40,
        permission=admin_views.VIEW_PERMISSION,
    )


@hooks.register("register_page_listing_more_buttons")
def event_report_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and user.has_perm(admin_views.VIEW_PERMISSION):
        yield ListingButton(_("Sign-ups and satisfaction"), reverse("bulletin_admin_event_report", args=[page.pk]), priority=60)


@hooks.register("construct_page_chooser_queryset")
def only_own_estate_pages_in_chooser(pages, request):
    return page_chooser.scope_pages(pages, request)


@hooks.register("construct_explorer_page_queryset")
def only_own_estate_homes(parent_page, pages, request):
    """Secretaries do not even see the other estates' homes in the page explorer."""
    ids = estate_ids_for(request.user)
    if ids is None:
        return pages
    other_homes = BulletinHomePage.objects.exclude(estate_id__in=ids).values("pk")
    return pages.exclude(pk__in=other_homes)


class EventSignupIndexView(MobileSearchIndexMixin, IndexView):
    """Names by their text; a mobile only in full, unless the role sees personal data."""

    mobile_fields = ("mobile",)


class EventSignupViewSet(EstateSnippetViewSet):
    model = EventSignup
    index_view_class = EventSignupIndexView
    icon = "user"
    #: Mobiles are never listed in full here; the event report unmasks them for those allowed.
    list_display = ["name", "event", "house", Column("masked_mobile", label=_("mobile")), "people", "created_at"]
    list_filter = ["event"]
    search_fields = ["name"]
    queryset = EventSignup.objects.select_related("event", "house__building")
    inspect_view_enabled = True
    inspect_view_fields = ["event", "name", "house", "masked_mobile", "people", "created_at"]
    #: Sign-ups come in through the public form; staff correct the name, house or count.
    panels = [FieldPanel("name"), FieldPanel("house"), FieldPanel("people")]


class ReturnVisitCreateView(CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.by = self.request.user
        instance.save()
        return instance


class EventReturnVisitViewSet(EstateSnippetViewSet):
    model = EventReturnVisit
    icon = "mail"
    add_view_class = ReturnVisitCreateView
    list_display = ["signup", "visited_at", "by", "note"]
    list_filter = ["signup__event"]
    queryset = EventReturnVisit.objects.select_related("signup__event", "by")


class EventFeedbackViewSet(EstateSnippetViewSet):
    model = EventFeedback
    icon = "pick"
    list_display = ["signup", "score", "comment", "created_at"]
    list_filter = ["signup__event", "score"]
    queryset = EventFeedback.objects.select_related("signup__event")
    inspect_view_enabled = True
    panels = []


class BulletinGroup(WorkGroupMixin, SnippetViewSetGroup):
    menu_label = _("Event sign-ups")
    work_group = "bulletin"
    items = (EventSignupViewSet, EventReturnVisitViewSet, EventFeedbackViewSet)


register_snippet(BulletinGroup)
