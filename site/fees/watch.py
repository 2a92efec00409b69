"""The watch list that watches: a watched house whose household file gets a new owner alerts the
desk once.

Level-triggered, like every sweep here: ``watch_sweep`` asks the database which houses are on the
watch list and who owns them now, compares with the owners each watch started with (kept as one digest per owner),
records a change on the watch row (``alerted_key``) before telling anyone, then tells the estate's
supervisors and managers through ``notify`` under a key per house, owners and recipient. A run
killed half way is made up by the next; nobody is told twice.

The fees app does not import the archives app: owners are read through ``fees.contacts``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from estates import roles
from estates.models import Estate, StaffMembership
from notifications.services import notify

from fees.contacts import _people_model
from fees.models import ArrearsCase
from fees.models.watch import HouseWatch

logger = logging.getLogger(__name__)

#: Who is told of a sale or transfer of a watched house (the desk's decision makers).
ALERTED_ROLES = (roles.SUPERVISOR, roles.ESTATE_MANAGER)


def owners_of(house_ids: list[int], *, chunk: int = 5000) -> dict[int, set[str]]:
    """{house_id: {"name|id number", ...}} of the owners on each house's household file.

    An owner is named by name and ID number, not by row: a buyer typed over the seller's row is
    a new owner too.
    """
    person_model = _people_model()
    found: dict[int, set[str]] = {}
    if person_model is None or not house_ids:
        return found
    has_id = any(f.name == "id_number" for f in person_model._meta.get_fields())
    fields = ["household__house_id", "name"] + (["id_number"] if has_id else [])
    for start in range(0, len(house_ids), chunk):
        rows = person_model._default_manager.filter(
            household__house_id__in=house_ids[start:start + chunk], role="owner",
        ).values_list(*fields)
        for row in rows:
            found.setdefault(row[0], set()).add("|".join((v or "").strip() for v in row[1:]))
    return found


def _digests(owners: set[str]) -> set[str]:
    """One short digest per owner: the watch keeps no ID numbers of its own."""
    return {hashlib.sha256(o.encode()).hexdigest()[:16] for o in owners}


def _names(owners: set[str]) -> str:
    return "、".join(sorted(o.split("|", 1)[0] for o in owners))[:255]


@dataclass
class WatchResult:
    started: int = 0
    stopped: int = 0
    changed: int = 0
    alerts_sent: int = 0


def watch_sweep(*, estate: Estate, now=None) -> WatchResult:
    """Start, stop and check the watches of an estate; tell the desk of new owners."""
    now = now or timezone.now()
    result = WatchResult()
    with transaction.atomic():
        watched = set(ArrearsCase.objects.filter(estate=estate, watch_list=True).values_list("house_id", flat=True))
        watches = {w.house_id: w for w in HouseWatch.objects.select_for_update().filter(estate=estate)}
        owners = owners_of(sorted(watched))
        to_create, to_update = [], []
        for house_id in watched:
            current = owners.get(house_id, set())
            watch = watches.get(house_id)
            if watch is None or not watch.active:
                # Put on (or back on) the watch list: remember who owns the house now.
                watch = watch or HouseWatch(estate=estate, house_id=house_id)
                watch.active, watch.started_at = True, now
                watch.owners_key, watch.owners = " ".join(sorted(_digests(current))), _names(current)
                watch.alerted_key, watch.changed_at, watch.new_owners, watch.alert_sent_at = "", None, "", None
                (to_update if watch.pk else to_create).append(watch)
                result.started += 1
                continue
            now_digests = _digests(current)
            if not watch.owners_key and current:
                # The file was empty when the watch started: its first owners are the baseline.
                watch.owners_key, watch.owners = " ".join(sorted(now_digests)), _names(current)
                to_update.append(watch)
            elif now_digests - set(watch.owners_key.split()) - set(watch.alerted_key.split()):
                # Someone owns the house who did not when the watch started: sold or transferred.
                watch.alerted_key, watch.changed_at, watch.new_owners = " ".join(sorted(now_digests)), now, _names(current)
                watch.alert_sent_at = None
                to_update.append(watch)
                result.changed += 1
        for house_id, watch in watches.items():
            if watch.active and house_id not in watched:
                watch.active = False  # paid up or below the line: no longer watched
                to_update.append(watch)
                result.stopped += 1
        HouseWatch.objects.bulk_create(to_create)
        HouseWatch.objects.bulk_update(
            to_update, ["active", "started_at", "owners_key", "owners", "alerted_key", "changed_at", "new_owners",
                        "alert_sent_at"],
        )
    result.alerts_sent = alerts_deliver(estate=estate, now=now)
    return result


def _recipients(estate: Estate) -> list[tuple[int, str, str]]:
    """(user id, channel, address) of the estate's supervisors and managers: email, else work mobile."""
    users = (
        get_user_model().objects.filter(
            is_active=True, estate_memberships__estate=estate, groups__name__in=ALERTED_ROLES,
        ).distinct().order_by("pk")
    )
    mobiles = dict(StaffMembership.objects.filter(estate=estate).values_list("user_id", "mobile"))
    found = []
    for user in users:
        if user.email:
            found.append((user.pk, "email", user.email))
        elif mobiles.get(user.pk):
            found.append((user.pk, "sms", mobiles[user.pk]))
    return found


def alerts_deliver(*, estate: Estate, now=None) -> int:
    """Tell the desk of every recorded change not yet told; the message keys make it once."""
    pending = list(
        HouseWatch.objects.filter(estate=estate, active=True, alert_sent_at__isnull=True)
        .exclude(alerted_key="").select_related("house__building")
    )
    if not pending:
        return 0
    recipients = _recipients(estate)
    sent = 0
    for watch in pending:
        for user_id, channel, address in recipients:
            notify(
                to=address, channel=channel, template="fees_watch_alert", estate=estate,
                key=f"fees:watch:{watch.house_id}:{hashlib.sha256(watch.alerted_key.encode()).hexdigest()[:16]}:{user_id}",
                context={"estate": estate, "house": watch.house, "before": watch.owners, "after": watch.new_owners},
            )
            sent += 1
        HouseWatch.objects.filter(pk=watch.pk).update(alert_sent_at=now)
    if not recipients:
        logger.warning("watch list of %s: owners changed but nobody to tell; the board shows it", estate.code)
    return sent
