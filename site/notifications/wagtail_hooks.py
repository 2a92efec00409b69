from django.utils.translation import gettext_lazy as _
from estates.menu import MENU_HOOKS
from estates.personal_views import LogListedRowsMixin, LogShownObjectMixin, MobileSearchIndexMixin
from estates.viewsets import EstateSnippetViewSet
from wagtail.admin.ui.tables import DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, InspectView

from notifications.models import Message


class MessageIndexView(MobileSearchIndexMixin, LogListedRowsMixin, IndexView):
    """Recipients are listed in full: each page shown is logged; a recipient is found by the
    full number (or address), by part of one only for roles that see personal data."""

    mobile_fields = ("recipient",)
    personal_fields = ("recipient",)


class MessageInspectView(LogShownObjectMixin, InspectView):
    personal_fields = ("recipient",)


class MessageViewSet(EstateSnippetViewSet):
    """The message log: read-only, for supervisors and managers to see what was sent."""

    model = Message
    icon = "mail"
    menu_label = _("Message log")
    menu_order = 900
    #: The message log sits with the settings (estates.menu.MENU_HOOKS).
    menu_hook = MENU_HOOKS["settings"]
    inspect_view_enabled = True
    index_view_class = MessageIndexView
    inspect_view_class = MessageInspectView
    chooser_enabled = False
    list_display = ["recipient", "channel", "subject", "status", "attempts", DateColumn("created_at", label=_("created at"))]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "key"]
    panels = []


register_snippet(MessageViewSet)
