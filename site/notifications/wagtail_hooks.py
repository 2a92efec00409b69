from django.utils.translation import gettext_lazy as _
from estates.scoping import EstateScopedViewSetMixin
from wagtail.admin.ui.tables import DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from notifications.models import Message


class MessageViewSet(EstateScopedViewSetMixin, SnippetViewSet):
    """The message log: read-only, for supervisors and managers to see what was sent."""

    model = Message
    icon = "mail"
    menu_label = _("Message log")
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    chooser_enabled = False
    list_display = ["recipient", "channel", "subject", "status", "attempts", DateColumn("created_at", label=_("created at"))]
    list_filter = ["channel", "status"]
    search_fields = ["recipient", "subject", "key"]
    panels = []


register_snippet(MessageViewSet)
