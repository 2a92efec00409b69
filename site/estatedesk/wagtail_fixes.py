"""Wagtail admin views answered with a 4xx where Wagtail 8.0 answers bad input with a 500.

Each fix is a subclass mounted on Wagtail's own path (estatedesk.urls, before the admin's
URLs); remove it once Wagtail fixes the view.
"""

from django.core.exceptions import BadRequest
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.choosers import ExternalLinkChooserForm, URLOrAbsolutePathField
from wagtail.admin.rich_text import DraftailRichTextArea as _DraftailRichTextArea
from wagtail.admin.views.chooser import ExternalLinkView


class _URLOrAbsolutePathField(URLOrAbsolutePathField):
    def to_python(self, value):
        # Wagtail calls value.startswith() first: a POST without the field was an AttributeError.
        return super().to_python(value if value is not None else "")


class _ExternalLinkChooserForm(ExternalLinkChooserForm):
    url = _URLOrAbsolutePathField(required=True, label=ExternalLinkChooserForm.base_fields["url"].label)


class ExternalLinkChooserView(ExternalLinkView):
    """An empty POST re-renders the form with "This field is required" instead of a 500."""

    form_class = _ExternalLinkChooserForm


external_link_chooser = require_admin_access(ExternalLinkChooserView.as_view())


class DraftailRichTextArea(_DraftailRichTextArea):
    """Wagtail's rich-text editor widget; a body that is not Draftail's JSON is a 400.

    The editor always posts JSON, so anything else is a forged or broken request: refusing it
    before the form validates writes nothing (Wagtail let the JSONDecodeError out as a 500).
    """

    def value_from_datadict(self, data, files, name):
        if data.get(name) == "":
            return ""  # an empty field is empty, not broken JSON
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BadRequest(f"{name}: not the rich-text editor's content") from exc
