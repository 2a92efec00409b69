"""The owner's side door: who may sign in, and the tokens a sign-in gives.

An owner (or any registered resident) signs in with their mobile and a one-time SMS code; there is
no password and no Django user. The sign-in gives an ``OwnerToken``: the web pages keep it in the
session, the API takes it as ``Authorization: Bearer <token>``. Only the token's keyed hash is
stored. Every request re-checks the token (not revoked, not expired), the person (still in the
household with that mobile) and ``ResidentAccess`` (staff may revoke a resident's access).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel


class ResidentAccess(models.Model):
    """A resident's access to the owner portal. Without a row, a registered resident may sign in."""

    person = models.OneToOneField(
        "archives.Person", on_delete=models.CASCADE, related_name="portal_access", verbose_name=_("resident"),
    )
    revoked = models.BooleanField(_("access revoked"), default=False, db_index=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    #: Where the owner's ticket notices also go by email (optional).
    email = models.EmailField(_("email for notices"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("updated by"),
    )

    estate_lookup = "person__household__house__building__estate"

    panels = [FieldPanel("person"), FieldPanel("revoked"), FieldPanel("reason"), FieldPanel("email")]

    class Meta:
        verbose_name = _("resident portal access")
        verbose_name_plural = _("resident portal access")

    def __str__(self):
        return str(self.person)


class OwnerToken(models.Model):
    """One sign-in: a browser session or an API client. Revocable; expires."""

    class Kind(models.TextChoices):
        WEB = "web", pgettext_lazy("owners", "web page")
        API = "api", pgettext_lazy("owners", "API")

    #: The normalised mobile the code was sent to.
    mobile = models.CharField(_("mobile"), max_length=20, db_index=True)
    #: Chosen at sign-in; None while a mobile on several households has not chosen yet.
    household = models.ForeignKey(
        "archives.Household", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        "archives.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.WEB)
    key_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    estate_lookup = "household__house__building__estate"
    # Not browsed in the admin: no page references a sign-in.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("owner sign-in")
        verbose_name_plural = _("owner sign-ins")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
