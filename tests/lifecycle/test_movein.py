"""Move-in through the admin pages: booking, the pack, the clocks, the completion that writes the
household file, the keys, the house status and the first bills in one transaction; the report."""

import html
import re
from datetime import timedelta

import pytest
from archives.factories import KeyFactory
from archives.models import Household, Key, Person
from django.core.exceptions import ValidationError
from django.urls import reverse
from estates.models import House
from fees.models import Bill
from lifecycle import services
from lifecycle.factories import MoveInFactory
from lifecycle.models import MoveIn, MoveInKey
from lifecycle.workflow import MOVEINS
from notifications.models import Message

from tests.lifecycle.conftest import T0

pytestmark = pytest.mark.django_db


def _action(client, movein, action, data=None):
    return client.post(reverse("lifecycle_movein_action", args=(movein.pk, action)), data or {})


@pytest.fixture
def booked(house_a, front_desk_a, client_for, frozen):
    response = client_for(front_desk_a).post(reverse("lifecycle_movein_new"), {
        "house": house_a.pk, "owner_name": "王芳", "owner_mobile": "139 1234 5678",
        "owner_id_number": "110101199003074514", "date": "2026-11-02", "slot": "am",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return MoveIn.objects.get()


def test_booking_copies_the_estate_checklist_and_stores_the_limits(booked):
    assert booked.documents == ["身份证", "购房合同", "产权证明"]
    assert booked.owner_mobile == "13912345678"
    assert (booked.wait_limit_minutes, booked.handle_limit_minutes) == (15, 30)
    assert booked.status == MoveIn.Status.BOOKED


def test_booking_refuses_a_bad_mobile_with_a_400(house_a, front_desk_a, client_for):
    response = client_for(front_desk_a).post(reverse("lifecycle_movein_new"), {
        "house": house_a.pk, "owner_name": "王芳", "owner_mobile": "12345", "date": "2099-01-01", "slot": "am",
    })
    assert response.status_code == 400
    assert not MoveIn.objects.exists()


def test_the_pack_is_texted_with_a_link_that_shows_the_checklist(booked, front_desk_a, client_for, sms_outbox):
    response = _action(client_for(front_desk_a), booked, "send_pack")
    assert response.status_code == 302
    message = Message.objects.get(key=f"lifecycle:movein:{booked.pk}:pack")
    assert message.recipient == "13912345678"
    url = services.pack_url(booked)
    assert url in message.body
    page = client_for(front_desk_a).get(reverse("lifecycle_movein_pack", args=(booked.token,)))
    assert page.status_code == 200
    assert "购房合同" in page.content.decode()
    # Sent once: the same step again changes nothing (idempotent key).
    _action(client_for(front_desk_a), booked, "send_pack")
    assert Message.objects.filter(key__startswith=f"lifecycle:movein:{booked.pk}").count() == 1


def test_handling_cannot_start_before_the_arrival(booked, front_desk_a, client_for):
    response = _action(client_for(front_desk_a), booked, "start")
    assert response.status_code == 400
    assert str(MOVEINS.row("start", booked).refusal[MoveIn.Status.BOOKED][0]) in html.unescape(
        response.content.decode())
    booked.refresh_from_db()
    assert booked.status == MoveIn.Status.BOOKED and booked.started_at is None


def test_clocks_are_recorded_at_each_step(booked, front_desk_a, client_for, frozen):
    client = client_for(front_desk_a)
    assert _action(client, booked, "arrive").status_code == 302
    frozen.shift(timedelta(minutes=12))
    assert _action(client, booked, "start", {"start-documents_checked": ["身份证", "购房合同"]}).status_code == 302
    booked.refresh_from_db()
    assert booked.arrived_at == T0
    assert booked.wait_minutes == 12
    assert booked.documents_checked == ["身份证", "购房合同"]


def test_the_front_desk_may_not_complete(booked, front_desk_a, client_for):
    client = client_for(front_desk_a)
    _action(client, booked, "arrive")
    _action(client, booked, "start")
    response = _action(client, booked, "complete")
    assert response.status_code == 403
    assert not Household.objects.exists()


@pytest.fixture
def in_progress(booked, front_desk_a, client_for, frozen, house_a):
    House.objects.filter(pk=house_a.pk).update(status=House.Status.VACANT)
    client = client_for(front_desk_a)
    _action(client, booked, "arrive")
    frozen.shift(timedelta(minutes=5))
    _action(client, booked, "start")
    frozen.shift(timedelta(minutes=25))
    booked.refresh_from_db()
    return booked


COMPLETE = {
    "complete-members": "李强, 配偶, 13800138000\n王小明, 儿子",
    "complete-vehicles": "粤B12345, 白色, B1-021",
    "complete-keys": "K-0101, 入户门, 2\nK-0102, 信箱",
}


def test_completion_writes_the_file_keys_house_and_first_bills(in_progress, clerk_a, client_for, house_a, fee_item_a):
    spare = KeyFactory(opens_house=house_a, tag="K-0101")
    response = _action(client_for(clerk_a), in_progress, "complete", COMPLETE)
    assert response.status_code == 302, re.findall(r"lc-error[^>]*>(.*?)</div", response.content.decode(), re.S)
    in_progress.refresh_from_db()
    assert in_progress.status == MoveIn.Status.DONE
    assert in_progress.handle_minutes == 25
    household = Household.objects.get(house=house_a)
    assert in_progress.household == household
    people = {p.name: p for p in household.people.all()}
    assert people["王芳"].role == Person.Role.OWNER and people["王芳"].move_in == T0.date()
    assert people["李强"].relationship == "配偶" and people["王小明"].role == Person.Role.FAMILY
    assert list(household.vehicles.values_list("plate", flat=True)) == ["粤B12345"]
    assert sorted(MoveInKey.objects.values_list("tag", "copies")) == [("K-0101", 2), ("K-0102", 1)]
    spare.refresh_from_db()
    assert spare.status == Key.Status.RETIRED
    house_a.refresh_from_db()
    assert house_a.status == House.Status.OCCUPIED
    bill = Bill.objects.get(house=house_a)
    assert bill.period == T0.date().replace(day=1) and bill.fee_item == fee_item_a
    assert in_progress.bills_issued == 1
    assert house_a.history.filter(status=House.Status.OCCUPIED, history_user=clerk_a).exists()


def test_a_steward_completes_and_the_spare_key_waits_for_a_clerk(in_progress, steward_a, client_for, house_a):
    spare = KeyFactory(opens_house=house_a, tag="K-0101")
    response = _action(client_for(steward_a), in_progress, "complete", COMPLETE)
    assert response.status_code == 302
    assert MoveInKey.objects.filter(tag="K-0101").exists()
    spare.refresh_from_db()
    assert spare.status == Key.Status.IN_CABINET


def test_completion_updates_an_existing_file(in_progress, steward_a, client_for, owner_on_file, house_a):
    in_progress.owner_name = "王芳"
    in_progress.save()
    response = _action(client_for(steward_a), in_progress, "complete", {})
    assert response.status_code == 302
    assert Household.objects.filter(house=house_a).count() == 1
    owner_on_file.refresh_from_db()
    assert owner_on_file.move_in == T0.date()
    assert owner_on_file.mobile == "13912345678"


def _nothing_made(movein, house):
    movein.refresh_from_db()
    house.refresh_from_db()
    assert movein.status == MoveIn.Status.IN_PROGRESS and movein.ended_at is None
    assert not Household.objects.filter(house=house).exists()
    assert not Person.objects.exists()
    assert not MoveInKey.objects.exists()
    assert house.status == House.Status.VACANT


def test_a_failing_last_step_leaves_nothing_half_made(in_progress, steward_a, client_for, house_a, monkeypatch):

    def refuse(**kwargs):
        raise ValidationError("The fee item has no rate.")

    monkeypatch.setattr("fees.services.house_bills_issue", refuse)
    response = _action(client_for(steward_a), in_progress, "complete", COMPLETE)
    assert response.status_code == 400
    assert "The fee item has no rate." in html.unescape(response.content.decode())
    _nothing_made(in_progress, house_a)


def test_a_crash_in_the_last_step_rolls_back_too(in_progress, steward_a, house_a, monkeypatch):

    def crash(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("fees.services.house_bills_issue", crash)
    with pytest.raises(RuntimeError):
        services.movein_complete(movein=in_progress, by=steward_a, members=[{"name": "李强"}],
                                 keys=[{"tag": "K-1"}])
    _nothing_made(in_progress, house_a)


def test_a_bad_member_mobile_is_a_400_naming_the_line(in_progress, steward_a, client_for, house_a):
    response = _action(client_for(steward_a), in_progress, "complete", {"complete-members": "李强, 配偶, 123"})
    assert response.status_code == 400
    assert "李强" in response.content.decode()
    _nothing_made(in_progress, house_a)


def test_another_estate_gets_404(booked, clerk_b, client_for):
    assert client_for(clerk_b).get(reverse("lifecycle_movein", args=(booked.pk,))).status_code == 404
    assert _action(client_for(clerk_b), booked, "arrive").status_code == 404


def test_the_page_masks_the_owner_for_the_front_desk(booked, front_desk_a, supervisor_a, client_for):
    masked = client_for(front_desk_a).get(reverse("lifecycle_movein", args=(booked.pk,))).content.decode()
    assert "13912345678" not in masked and "139****5678" in masked
    assert "110101199003074514" not in masked
    full = client_for(supervisor_a).get(reverse("lifecycle_movein", args=(booked.pk,))).content.decode()
    assert "13912345678" in full


def test_todays_appointments_are_on_the_dashboard(booked, front_desk_a, client_for):
    body = client_for(front_desk_a).get("/admin/").content.decode()
    assert 'id="lifecycle-front-desk"' in body
    assert "王芳" in body


def test_the_listing_links_to_the_record_page(booked, front_desk_a, client_for):
    body = client_for(front_desk_a).get(reverse("wagtailsnippets_lifecycle_movein:list")).content.decode()
    assert reverse("lifecycle_movein", args=(booked.pk,)) in body


def test_factories_build_valid_rows():
    movein = MoveInFactory()
    assert movein.house.building.estate == movein.estate


def test_the_hourly_task_sends_due_packs_once(estate_a, frozen):
    from datetime import date

    from lifecycle import tasks

    soon = MoveInFactory(estate=estate_a, date=date(2026, 11, 4))
    later = MoveInFactory(estate=estate_a, date=date(2026, 11, 20))
    assert tasks.lifecycle_movein_packs.call_local() == 1
    assert tasks.lifecycle_movein_packs.call_local() == 0
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.pack_sent_at is not None and later.pack_sent_at is None
    assert Message.objects.filter(key=f"lifecycle:movein:{soon.pk}:pack").count() == 1


@pytest.mark.parametrize("model", ["movein", "decoration", "release", "lifecyclerules"])
def test_the_listings_search(model, supervisor_a, client_for, estate_a):
    response = client_for(supervisor_a).get(reverse(f"wagtailsnippets_lifecycle_{model}:list"), {"q": "王"})
    assert response.status_code == 200
