"""The watch list that watches (seed 004: 欠费超过3个月的，应密切关注其物业的买卖和变更).

A house on the watch list keeps the owners its household file had when it was put there
(``owners_key``). The sweep compares the file's current owners with them; a new owner (a sale or
a transfer) is recorded on the row first (``alerted_key``) and then the desk is told once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from estates.models import Estate, House


class HouseWatch(models.Model):
    """A house on the watch list and the owners it had when it was put there."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate"))
    house = models.OneToOneField(House, on_delete=models.PROTECT, related_name="fee_watch", verbose_name=_("house"))
    active = models.BooleanField(_("on the watch list"), default=True, db_index=True)
    started_at = models.DateTimeField(_("watched since"))
    #: One short digest per owner on file when the watch started (space-separated): no ID numbers here.
    owners_key = models.TextField(blank=True)
    owners = models.CharField(_("owners when the watch started"), max_length=255, blank=True)
    #: Set when a new owner was found: the digests of the owners then, so each change alerts once.
    alerted_key = models.TextField(blank=True)
    changed_at = models.DateTimeField(_("owners changed at"), null=True, blank=True, db_index=True)
    new_owners = models.CharField(_("owners now"), max_length=255, blank=True)
    alert_sent_at = models.DateTimeField(_("desk alerted at"), null=True, blank=True)

    estate_lookup = "estate"

    panels = []

    class Meta:
        verbose_name = _("watched house")
        verbose_name_plural = _("watch list")
        ordering = ["-changed_at", "-started_at"]

    def __str__(self):
        return self.house.label

    @property
    def owners_changed(self) -> bool:
        return self.changed_at is not None
