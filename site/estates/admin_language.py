"""Wagtail words that Wagtail builds once at start-up, built again in the reader's language.

The server's language is zh-hans; a staff member may choose English in their account (Wagtail
applies it per view). Two of Wagtail's snippet strings are translated with ``gettext`` when the
viewsets register, at start-up, hence always in Chinese:
- the breadcrumbs' "Home" and "Snippets" (``SnippetViewSet.breadcrumbs_items``);
- the snippet chooser's "Choose %(object)s", "Choose another %(object)s", "Edit this %(object)s"
  (``AdminSnippetChooser.__init__`` formats them; one widget per snippet model is built at
  start-up as the form-field override of its foreign keys).
An English reader saw 首页, 片段 and 选择 业主档案. Here both are lazy: translated when rendered.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from wagtail.snippets.widgets import AdminSnippetChooser


def _object_text(msgid: str, model) -> str:
    return gettext(msgid) % {"object": model._meta.verbose_name}


_lazy_object_text = lazy(_object_text, str)


class ReaderLanguageSnippetChooser(AdminSnippetChooser):
    """The snippet chooser widget, its button texts in the language of the page it is shown on."""

    def __init__(self, model=None, **kwargs):
        super().__init__(model=model, **kwargs)
        self.choose_one_text = _lazy_object_text("Choose %(object)s", self.model)
        self.choose_another_text = _lazy_object_text("Choose another %(object)s", self.model)
        self.link_to_chosen_text = _lazy_object_text("Edit this %(object)s", self.model)


class ReaderLanguageBreadcrumbsMixin:
    """For a SnippetViewSet: Wagtail's breadcrumbs, with labels translated when rendered."""

    @property
    def breadcrumbs_items(self):
        items = [{"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")}]
        if getattr(settings, "WAGTAILSNIPPETS_MENU_SHOW_ALL", False) or not self.get_menu_item_is_registered():
            items.append({"url": reverse_lazy("wagtailsnippets:index"), "label": gettext_lazy("Snippets")})
        return items
