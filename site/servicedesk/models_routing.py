"""Repair categories and their routing (报修类型 → 工程维修人员或外包单位), and ticket photos.

Seed 001 第九条 3: "根据报修类型，准确将工单派发给对应的工程维修人员或外包单位". Each estate keeps its own
list of categories (水电, 管道, 门窗, 电梯, 公共设施, 其他 …); a category names who its repairs go to
(a maintenance person of the estate, or a contractor by name). Intake picks the category; the
dispatch form proposes the routed assignee; the KPIs can be read per category.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estatedesk.storage import private_storage
from wagtail.admin.panels import FieldPanel

#: The categories a new estate starts with (the demo and `repair_categories_seed`).
DEFAULT_CATEGORIES = ["水电", "管道", "门窗", "电梯", "公共设施", "其他"]


class RepairCategory(models.Model):
    """One line of the routing table: a kind of repair and who its work orders go to."""

    estate = models.ForeignKey(
        "estates.Estate", on_delete=models.CASCADE, related_name="repair_categories", verbose_name=_("estate")
    )
    name = models.CharField(_("repair category"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("routed to maintenance person"),
        help_text=_("A maintenance person of the estate; leave empty to route to a contractor."),
    )
    contractor = models.CharField(_("routed to contractor"), max_length=200, blank=True)
    active = models.BooleanField(_("offered at intake"), default=True)

    estate_lookup = "estate"

    panels = [
        FieldPanel("estate"), FieldPanel("name"), FieldPanel("order"), FieldPanel("assignee"),
        FieldPanel("contractor"), FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("repair category")
        verbose_name_plural = _("repair categories")
        ordering = ["estate", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="repair_category_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from django.contrib.auth import get_user_model
        from django.core.exceptions import ValidationError
        from estates.roles import MAINTENANCE

        if self.assignee_id and self.estate_id and not get_user_model().objects.filter(
            pk=self.assignee_id, is_active=True, estate_memberships__estate=self.estate_id, groups__name=MAINTENANCE,
        ).exists():
            raise ValidationError({"assignee": _("Choose a maintenance person of this estate.")})
        if not self.assignee_id and not (self.contractor or "").strip():
            raise ValidationError({"contractor": _("Route the category to a maintenance person or a contractor.")})

    @property
    def routed_to(self) -> str:
        if self.assignee_id:
            return self.assignee.get_full_name() or self.assignee.get_username()
        return self.contractor


class TicketPhoto(models.Model):
    """A photo sent with a ticket (up to six from the owner). Private: served only to the
    estate's staff (servicedesk.views.admin) and to the ticket's household (owners.views)."""

    ticket = models.ForeignKey("servicedesk.Ticket", on_delete=models.CASCADE, related_name="photos",
                               verbose_name=_("ticket"))
    file = models.FileField(_("photo"), upload_to="servicedesk/photos/%Y/%m/", storage=private_storage)
    content_type = models.CharField(_("type"), max_length=20)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    estate_lookup = "ticket__estate"

    class Meta:
        verbose_name = _("ticket photo")
        verbose_name_plural = _("ticket photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]
