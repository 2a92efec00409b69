"""A round walked through the phone pages: the QR link, the checklist, photos, hazards."""

from datetime import timedelta

import pytest
from django.urls import reverse
from patrol import services
from patrol.models import Hazard, ItemCheck, PatrolPhoto, PatrolRound, RoundVisit

from tests.patrol.conftest import JPEG_HEAD, T0

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


@pytest.fixture
def today_round(frozen, plan):
    services.rounds_sweep()
    frozen.move_to(T0.replace(hour=8, minute=30))
    return PatrolRound.objects.get()


def _post_items(checkpoint, verdicts, **extra):
    data = {}
    for item, (verdict, note) in zip(checkpoint.items.all(), verdicts, strict=True):
        data[f"item_{item.pk}"] = verdict
        data[f"note_{item.pk}"] = note
        data[f"severity_{item.pk}"] = "high"
    data.update(extra)
    return data


def test_qr_link_opens_the_checklist_of_the_round_due_there(today_round, pump_room, steward_a, client_for):
    client = client_for(steward_a)
    response = client.get(reverse("patrol_scan", args=(pump_room.token,)), **PHONE)
    assert response.status_code == 302
    assert response["Location"] == reverse("patrol_visit", args=(today_round.pk, pump_room.pk))
    page = client.get(response["Location"], **PHONE)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="viewport"' in body and "水泵运行正常" in body and 'capture="environment"' in body


def test_walking_the_route_records_times_and_finishes_the_round(today_round, pump_room, roof, steward_a, client_for):
    client = client_for(steward_a)
    url = reverse("patrol_visit", args=(today_round.pk, pump_room.pk))
    response = client.post(url, _post_items(pump_room, [("ok", ""), ("ok", "")]))
    assert response.status_code == 302
    today_round.refresh_from_db()
    assert today_round.status == PatrolRound.Status.IN_PROGRESS and today_round.walked_by == steward_a
    assert today_round.started_at == T0.replace(hour=8, minute=30)
    page = client.get(reverse("patrol_round", args=(today_round.pk,))).content.decode()
    assert "08:30" in page
    client.post(reverse("patrol_visit", args=(today_round.pk, roof.pk)), _post_items(roof, [("ok", "")]))
    today_round.refresh_from_db()
    assert today_round.status == PatrolRound.Status.DONE and not today_round.late
    assert RoundVisit.objects.filter(round=today_round).count() == 2
    assert not Hazard.objects.exists()
    # A checkpoint done twice is refused with a message, nothing is written.
    again = client.post(url, _post_items(pump_room, [("ok", ""), ("ok", "")]))
    assert again.status_code == 400
    assert RoundVisit.objects.count() == 2


def test_a_not_ok_item_with_a_photo_becomes_a_hazard(today_round, pump_room, steward_a, client_for, png, settings):
    client = client_for(steward_a)
    first, second = pump_room.items.all()
    data = _post_items(pump_room, [("ok", ""), ("bad", "轴封渗水")])
    data[f"photo_{second.pk}"] = png("leak.png")
    response = client.post(reverse("patrol_visit", args=(today_round.pk, pump_room.pk)), data)
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.status == Hazard.Status.REPORTED and hazard.severity == "high"
    assert hazard.checkpoint == pump_room and hazard.reported_by == steward_a
    assert hazard.item_check == ItemCheck.objects.get(item=second)
    assert "轴封渗水" in hazard.description
    assert hazard.deadline == hazard.reported_at + timedelta(hours=settings.PATROL_RECTIFY_HOURS["high"])
    photo = PatrolPhoto.objects.get()
    assert photo.hazard == hazard and photo.item_check == hazard.item_check
    assert photo.file.name.startswith("patrol/") and "leak" not in photo.file.name
    served = client.get(reverse("patrol_photo", args=(photo.pk,)))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("name,content,message", [
    ("fake.png", b"GIF89a" + b"\x00" * 50, "JPEG"),
    ("photo.png", JPEG_HEAD, "JPEG"),  # a JPEG named .png: the name and the content disagree
    ("big.jpg", JPEG_HEAD + b"\x00" * 2048, "too large"),
])
def test_bad_photos_are_refused_and_nothing_is_written(
    today_round, pump_room, steward_a, client_for, png, settings, name, content, message
):
    settings.PATROL_MAX_PHOTO_BYTES = 1024
    settings.LANGUAGE_CODE = "en"
    client = client_for(steward_a)
    first, _second = pump_room.items.all()
    data = _post_items(pump_room, [("bad", "坏了"), ("ok", "")])
    data[f"photo_{first.pk}"] = png(name, content)
    response = client.post(reverse("patrol_visit", args=(today_round.pk, pump_room.pk)), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoundVisit.objects.exists() and not Hazard.objects.exists() and not PatrolPhoto.objects.exists()


def test_missing_marks_and_a_not_ok_without_a_note_are_400(today_round, pump_room, steward_a, client_for):
    client = client_for(steward_a)
    url = reverse("patrol_visit", args=(today_round.pk, pump_room.pk))
    first, second = pump_room.items.all()
    assert client.post(url, {f"item_{first.pk}": "ok"}).status_code == 400
    assert client.post(url, _post_items(pump_room, [("ok", ""), ("bad", "")])).status_code == 400
    assert not RoundVisit.objects.exists()


def test_who_may_walk(today_round, pump_room, make_user, estate_a, steward_b, client_for, maintenance_a):
    from estates import roles

    url = reverse("patrol_visit", args=(today_round.pk, pump_room.pk))
    data = _post_items(pump_room, [("ok", ""), ("ok", "")])
    # Another estate's steward does not even see the round.
    assert client_for(steward_b).get(url).status_code == 404
    # Maintenance walks rounds, but this plan is the stewards'.
    response = client_for(maintenance_a).post(url, data)
    assert response.status_code == 403
    # The secretary does not walk rounds at all.
    # (Wagtail answers a missing permission with a redirect to the dashboard and a message.)
    assert client_for(make_user(roles.SECRETARY, [estate_a])).get(url).status_code == 302
    assert not RoundVisit.objects.exists()
    # Today's list shows the stewards' round to a steward and not to maintenance.
    assert reverse("patrol_round", args=(today_round.pk,)) not in client_for(maintenance_a).get(reverse("patrol_today")).content.decode()


def test_a_missed_round_cannot_be_walked(today_round, pump_room, steward_a, client_for, frozen):
    frozen.move_to(T0.replace(hour=11, minute=5))
    services.rounds_sweep()
    response = client_for(steward_a).post(
        reverse("patrol_visit", args=(today_round.pk, pump_room.pk)), _post_items(pump_room, [("ok", ""), ("ok", "")])
    )
    assert response.status_code == 400
    assert not RoundVisit.objects.exists()


def test_a_round_finished_after_its_window_is_late(today_round, pump_room, roof, steward_a, frozen):
    results = [services.ItemResult(item=i, ok=True) for i in pump_room.items.all()]
    services.visit_record(patrol_round=today_round, checkpoint=pump_room, results=results, by=steward_a)
    frozen.move_to(T0.replace(hour=11, minute=30))
    services.rounds_sweep()  # within the grace period: still open
    results = [services.ItemResult(item=i, ok=True) for i in roof.items.all()]
    services.visit_record(patrol_round=today_round, checkpoint=roof, results=results, by=steward_a)
    today_round.refresh_from_db()
    assert today_round.status == PatrolRound.Status.DONE and today_round.late


def test_photos_are_scoped_to_the_estate(today_round, pump_room, steward_a, steward_b, client_for, png):
    first, second = pump_room.items.all()
    services.visit_record(
        patrol_round=today_round, checkpoint=pump_room, by=steward_a,
        results=[services.ItemResult(item=first, ok=False, note="坏", photos=[png()]),
                 services.ItemResult(item=second, ok=True)],
    )
    photo = PatrolPhoto.objects.get()
    assert client_for(steward_b).get(reverse("patrol_photo", args=(photo.pk,))).status_code == 404
    # Private storage: no URL serves the photo; only the scoped view above does.
    with pytest.raises(ValueError):
        photo.file.url  # noqa: B018
