"""Publishing the fee standards (收费公示) as a bulletin notice."""

from __future__ import annotations

import datetime as dt

from bulletin.models import Category, NoticePage
from bulletin.services import bulletin_home_for, notice_index_of
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from estates.models import Estate

from fees.services.rates import fee_standards_text


# --- publishing the fee standards (收费公示) ----------------------------------------------------
def fee_standards_publish(*, estate: Estate, by, on: dt.date | None = None):
    """Publish the estate's current fee standards as a pinned bulletin notice, in one step.

    Publishing is a bulletin right: the user must be allowed to publish under the estate's
    notice index (secretaries and estate managers of that estate).
    """
    on = on or timezone.localdate()
    index = notice_index_of(bulletin_home_for(estate=estate))
    if not index.permissions_for_user(by).can_publish_subpage():
        raise PermissionDenied
    if not any(item.rate_on(on) for item in estate.fee_items.filter(active=True)):
        raise ValidationError(_("%(estate)s has no active fee item with a rate: there is nothing to publish.")
                              % {"estate": estate.name})
    title, _sep, rest = fee_standards_text(estate=estate, on=on).partition("\n")
    body = format_html_join("", "<p>{}</p>", ((line.strip(),) for line in rest.splitlines() if line.strip()))
    base_slug = slugify(f"fee-standards-{on:%Y%m%d}")
    slug, n = base_slug, 1
    while index.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base_slug}-{n}"
    with transaction.atomic():
        notice = index.add_child(instance=NoticePage(
            title=title[:255], slug=slug, category=Category.FEES, pinned=True, body=str(body), owner=by,
        ))
        notice.save_revision(user=by).publish(user=by)
    return notice
