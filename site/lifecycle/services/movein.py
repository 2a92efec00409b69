"""Move-in: booking, the pack, the desk's clocks and the completion that opens (or updates) the
household file, hands the keys over, sets the house occupied and issues the first bills — all in
one transaction, so a failure at any step leaves nothing half-made."""

from __future__ import annotations

import datetime as dt
import logging

from archives import services as archives
from archives.models import Household, Key, Person
from archives.validators import normalize_id_number, normalize_plate
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import House
from fees import services as fees
from notifications.services import notify

from lifecycle.models import LifecycleRules, MoveIn, MoveInKey
from lifecycle.models.rules import lines
from lifecycle.services.common import (
    act,
    admin_url,
    clean_mobile,
    house_status_set,
    require,
    required_text,
)
from lifecycle.workflow import MOVEINS

logger = logging.getLogger(__name__)


@transaction.atomic
def movein_book(*, house: House, owner_name: str, owner_mobile: str, date: dt.date, slot: str, by,
                owner_id_number: str = "", notes: str = "") -> MoveIn:
    require(by, "lifecycle.add_movein", house)
    owner_name = required_text(owner_name, "owner_name", _("Give the owner's name."))
    owner_mobile = clean_mobile(owner_mobile, "owner_mobile")
    if slot not in MoveIn.Slot.values:
        raise ValidationError({"slot": [_("Choose the time slot.")]})
    if date < timezone.localdate():
        raise ValidationError({"date": [_("The appointment cannot be in the past.")]})
    estate = house.building.estate
    return MoveIn.objects.create(
        estate=estate, house=house, owner_name=owner_name[:50], owner_mobile=owner_mobile,
        owner_id_number=normalize_id_number(owner_id_number)[:30], date=date, slot=slot, notes=notes.strip(),
        documents=lines(LifecycleRules.for_estate(estate).movein_documents), booked_by=by,
    )


def pack_url(movein: MoveIn) -> str:
    return admin_url(reverse("lifecycle_movein_pack", args=(movein.token,)))


@transaction.atomic
def movein_send_pack(*, movein: MoveIn, by, now: dt.datetime | None = None) -> MoveIn:
    """Text the owner the link to the move-in pack (the estate's documents) and the checklist."""
    movein = act(MOVEINS, movein, "send_pack", by)
    notify(
        to=movein.owner_mobile, template="lifecycle_movein_pack", channel="sms", estate=movein.estate,
        key=f"lifecycle:movein:{movein.pk}:pack", context={
            "estate": str(movein.estate), "house": movein.house.label, "date": movein.date,
            "slot": movein.get_slot_display(), "documents": "、".join(movein.documents), "url": pack_url(movein),
        },
    )
    movein.pack_sent_at = now or timezone.now()
    movein.save(update_fields=["pack_sent_at"])
    return movein


def movein_packs_due(*, today: dt.date | None = None) -> int:
    """The sweep: text the pack to every booked owner whose appointment is within
    ``LIFECYCLE_MOVEIN_PACK_DAYS_BEFORE`` days and who has not had it. Level-triggered and
    idempotent (``pack_sent_at`` and the message key); one failure does not stop the others."""
    today = today or timezone.localdate()
    days = int(getattr(settings, "LIFECYCLE_MOVEIN_PACK_DAYS_BEFORE", 3))
    due = MoveIn.objects.filter(status=MoveIn.Status.BOOKED, pack_sent_at=None, date__gte=today,
                                date__lte=today + dt.timedelta(days=days))
    sent = 0
    for movein in due:
        try:
            movein_send_pack(movein=movein, by=None)
        except Exception:  # the next run tries again
            logger.exception("move-in pack %s not sent", movein.pk)
            continue
        sent += 1
    return sent


@transaction.atomic
def movein_arrive(*, movein: MoveIn, by, now: dt.datetime | None = None) -> MoveIn:
    movein = act(MOVEINS, movein, "arrive", by)
    movein.arrived_at = now or timezone.now()
    movein.save(update_fields=["status", "arrived_at"])
    return movein


@transaction.atomic
def movein_start(*, movein: MoveIn, by, documents_checked=(), now: dt.datetime | None = None) -> MoveIn:
    """The desk starts handling: the waiting clock stops; the documents seen are recorded."""
    movein = act(MOVEINS, movein, "start", by)
    movein.started_at = now or timezone.now()
    movein.documents_checked = [d for d in documents_checked if d in movein.documents]
    movein.handled_by = by
    movein.save(update_fields=["status", "started_at", "documents_checked", "handled_by"])
    return movein


@transaction.atomic
def movein_cancel(*, movein: MoveIn, by) -> MoveIn:
    movein = act(MOVEINS, movein, "cancel", by)
    movein.save(update_fields=["status"])
    return movein


def _archive_write(label: str, write, **kwargs):
    """An archive service call whose refusal names the line it came from."""
    try:
        return write(**kwargs)
    except ValidationError as exc:
        raise ValidationError(_("%(line)s: %(errors)s") % {"line": label, "errors": " ".join(exc.messages)}) from None


def _owner(household: Household, movein: MoveIn, move_in: dt.date, by) -> Person:
    owner = household.people.filter(role=Person.Role.OWNER, name=movein.owner_name).first()
    fields = {"mobile": movein.owner_mobile, "move_in": move_in}
    if movein.owner_id_number:
        fields["id_number"] = movein.owner_id_number
    if owner is not None:
        return _archive_write(movein.owner_name, archives.person_update, person=owner, by=by, **fields)
    return _archive_write(movein.owner_name, archives.person_add, household=household, by=by,
                          name=movein.owner_name, role=Person.Role.OWNER, **fields)


@transaction.atomic
def movein_complete(*, movein: MoveIn, by, members=(), vehicles=(), keys=(), now: dt.datetime | None = None) -> MoveIn:
    """The owner leaves with the keys: the file is written, the house occupied, the first bills issued.

    ``members``: dicts (name, relationship, mobile); ``vehicles``: dicts (plate, vehicle_type, colour,
    parking_space); ``keys``: dicts (tag, opens, copies). One transaction: any refusal undoes all.
    """
    movein = act(MOVEINS, movein, "complete", by)
    now = now or timezone.now()
    move_in = timezone.localtime(now).date()
    house = movein.house
    household = Household.objects.filter(house=house).first()
    if household is None:
        household = _archive_write(house.label, archives.household_create, house=house, by=by)
    _owner(household, movein, move_in, by)
    known = set(household.people.values_list("name", flat=True))
    for member in members:
        name = (member.get("name") or "").strip()
        if not name or name in known:
            continue
        _archive_write(name, archives.person_add, household=household, by=by, name=name,
                       role=Person.Role.FAMILY, relationship=(member.get("relationship") or "")[:30],
                       mobile=member.get("mobile") or "", move_in=move_in)
        known.add(name)
    plates = set(household.vehicles.filter(active=True).values_list("plate", flat=True))
    for vehicle in vehicles:
        plate = normalize_plate(vehicle.get("plate") or "")
        if not plate or plate in plates:
            continue
        _archive_write(plate, archives.vehicle_register, household=household, by=by, plate=plate,
                       **{k: v for k, v in vehicle.items() if k in ("vehicle_type", "colour", "parking_space") and v})
        plates.add(plate)
    for handed in keys:
        tag = (handed.get("tag") or "").strip()
        if not tag:
            continue
        MoveInKey.objects.create(movein=movein, tag=tag[:30], opens=(handed.get("opens") or house.label)[:100],
                                 copies=max(1, int(handed.get("copies") or 1)))
        # A spare key of the vacant house kept in the cabinet now belongs to the owner: retired
        # from the key archive by whoever may change keys (a steward's hand-over is kept above).
        spare = Key.objects.filter(estate=movein.estate, tag=tag, opens_house=house).first()
        if spare is not None and spare.status == Key.Status.IN_CABINET and (by is None or by.has_perm("archives.change_key")):
            _archive_write(tag, archives.key_update, key=spare, by=by, status=Key.Status.RETIRED,
                           notes=(spare.notes + "\n" + _("Handed to the owner at move-in on %(date)s.")
                                  % {"date": move_in.isoformat()}).strip())
    house_status_set(house, House.Status.OCCUPIED, by=by, reason="move-in")
    movein.bills_issued = fees.house_bills_issue(house=house, period=move_in, by=by)
    movein.household = household
    movein.ended_at = now
    movein.save(update_fields=["status", "ended_at", "household", "bills_issued"])
    return movein
