"""Plain dicts of what the owner API returns (one place, so the docs and the pages agree)."""

from __future__ import annotations

from django.utils import timezone


def _dt(value):
    return timezone.localtime(value).isoformat() if value else None


def household_choice(household) -> dict:
    house = household.house
    return {"id": household.pk, "estate": house.building.estate.name, "house": house.label}


def household(owner) -> dict:
    house = owner.house
    return {
        "id": owner.household.pk, "estate": owner.estate.name, "house": house.label,
        "floor_area": str(house.area),
        "me": {"id": owner.person.pk, "name": owner.person.name, "role": owner.person.get_role_display()},
    }


def vehicle(v) -> dict:
    return {
        "plate": v.plate, "type": v.get_vehicle_type_display(), "parking_space": v.parking_space,
        "permit_number": v.permit_number,
        "permit_valid_from": v.permit_valid_from.isoformat() if v.permit_valid_from else None,
        "permit_valid_to": v.permit_valid_to.isoformat() if v.permit_valid_to else None,
        "permit_expired": v.permit_expired, "permit_expires_soon": v.permit_expires_soon,
    }


def bill(b) -> dict:
    return {
        "id": b.pk, "item": b.fee_item.name, "period": b.period.strftime("%Y-%m"), "period_label": b.period_display,
        "amount": str(b.amount), "paid": str(b.paid), "outstanding": str(b.outstanding),
        "due_date": b.due_date.isoformat(),
    }


def payment(p) -> dict:
    return {
        "id": p.pk, "receipt_number": p.receipt_number, "amount": str(p.amount), "method": p.get_method_display(),
        "paid_at": _dt(p.paid_at), "payer": p.payer, "reversed": p.is_reversed,
    }


def allocation(a) -> dict:
    return {"item": a.bill.fee_item.name, "period": a.bill.period.strftime("%Y-%m"), "amount": str(a.amount)}


def ticket(t) -> dict:
    return {
        "id": t.pk, "number": t.number, "kind": t.kind, "kind_label": t.get_kind_display(),
        "status": t.status, "status_label": t.get_status_display(),
        "category": t.category.name if t.category_id else None, "place": t.place,
        "received_at": _dt(t.received_at), "done_at": _dt(t.done_at), "closed_at": _dt(t.closed_at),
    }


def ticket_detail(t) -> dict:
    now = timezone.now()
    return {
        **ticket(t),
        "description": t.description, "expected_at": _dt(t.expected_at), "result": t.result,
        "can_confirm": t.status == t.Status.DONE and t.needs_return_visit,
        "clocks": [
            {"kind": c.kind, "label": c.get_kind_display(), "due_at": _dt(c.due_at), "kept_at": _dt(c.met_at),
             "late": (c.met_at or now) > c.due_at}
            for c in t.clocks.filter(cancelled=False).order_by("due_at", "pk")
        ],
        # The steps as the desk sees them, without staff names or internal notes.
        "steps": [{"step": e.action, "label": e.get_action_display(), "at": _dt(e.at)}
                  for e in t.events.order_by("at", "pk")],
        "photos": [{"id": p.pk, "url": f"/api/owner/v1/tickets/{t.pk}/photos/{p.pk}/"} for p in t.photos.all()],
        "return_visits": [{"satisfaction": v.satisfaction, "confirmed": v.owner_confirmed, "at": _dt(v.at)}
                          for v in t.return_visits.order_by("at", "pk")],
    }


def signup(s) -> dict:
    event = s.event
    return {"event": event.title, "people": s.people, "signed_up_at": _dt(s.created_at),
            "starts_at": _dt(getattr(event, "starts_at", None))}
