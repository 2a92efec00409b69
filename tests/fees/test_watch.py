"""The watch list that watches (seed 004: 欠费超过3个月的，应密切关注其物业的买卖和变更): a watched
house whose household file gets a new owner alerts the desk once, through the Huey task."""

import datetime as dt

import pytest
import time_machine
from archives.factories import HouseholdFactory, PersonFactory
from archives.models import Person
from estates import roles
from fees import services, tasks, watch
from fees.models import ArrearsCase
from fees.models.watch import HouseWatch
from notifications.models import Message

pytestmark = pytest.mark.django_db


def _owe_months(estate, months):
    for m in range(1, months + 1):
        with time_machine.travel(dt.datetime(2026, m, 1, 2, tzinfo=dt.UTC), tick=False):
            services.bills_issue(estate=estate, period=dt.date(2026, m, 1))


@pytest.fixture
def watched(estate_a, property_fee, make_house, make_user):
    """A house 4 months behind (on the watch list) owned by 王芳, and a supervisor with an email."""
    house = make_house()
    household = HouseholdFactory(house=house)
    PersonFactory(household=household, name="王芳", id_number="", role=Person.Role.OWNER)
    make_user(roles.SUPERVISOR, [estate_a], email="desk@example.com", username="sup_watch")
    make_user(roles.CLERK, [estate_a], email="clerk@example.com", username="clerk_watch")  # not alerted
    _owe_months(estate_a, 4)
    with time_machine.travel(dt.datetime(2026, 4, 20, 1, tzinfo=dt.UTC), tick=False):
        tasks.sweep_all()
    assert ArrearsCase.objects.get(house=house).watch_list
    return house


def test_a_sold_watched_house_alerts_the_desk_once(watched, estate_a, mailoutbox):
    watch_row = HouseWatch.objects.get(house=watched)
    assert watch_row.active and watch_row.owners == "王芳" and not watch_row.owners_changed
    mailoutbox.clear()

    # The house is sold: the file now names the buyer instead of the seller.
    Person.objects.filter(household__house=watched).delete()
    PersonFactory(household=watched.household, name="赵强", id_number="", role=Person.Role.OWNER)
    with time_machine.travel(dt.datetime(2026, 4, 20, 2, tzinfo=dt.UTC), tick=False):
        tasks.watch_list_sweep()  # the Huey periodic task (immediate mode)
    alerts = [m for m in mailoutbox if "赵强" in m.body]
    assert [m.to for m in alerts] == [["desk@example.com"]]
    watch_row.refresh_from_db()
    assert watch_row.owners_changed and watch_row.new_owners == "赵强"

    # Level-triggered and idempotent: more sweeps (periodic and daily) say nothing new.
    for hour in (3, 4):
        with time_machine.travel(dt.datetime(2026, 4, 20, hour, tzinfo=dt.UTC), tick=False):
            tasks.watch_list_sweep()
            tasks.sweep_all()
    assert len([m for m in mailoutbox if "赵强" in m.body]) == 1
    assert Message.objects.filter(key__startswith=f"fees:watch:{watched.pk}:").count() == 1


def test_a_buyer_typed_over_the_sellers_row_is_a_new_owner(watched, estate_a, mailoutbox):
    Person.objects.filter(household__house=watched).update(name="孙丽")
    result = watch.watch_sweep(estate=estate_a)
    assert result.changed == 1 and result.alerts_sent == 1


def test_a_new_family_member_or_a_corrected_mobile_is_no_sale(watched, estate_a, mailoutbox):
    PersonFactory(household=watched.household, name="王小明", role=Person.Role.FAMILY)
    Person.objects.filter(household__house=watched, role="owner").update(mobile="13900000009")
    assert watch.watch_sweep(estate=estate_a).changed == 0
    assert not HouseWatch.objects.get(house=watched).owners_changed


def test_a_worker_killed_before_telling_is_made_up_once(watched, estate_a, mailoutbox, monkeypatch):
    Person.objects.filter(household__house=watched).update(name="孙丽")

    class Killed(BaseException):
        pass

    def dying(**kwargs):
        raise Killed

    monkeypatch.setattr(watch, "notify", dying)
    with pytest.raises(Killed):
        watch.watch_sweep(estate=estate_a)
    assert HouseWatch.objects.get(house=watched).alerted_key  # recorded before telling
    monkeypatch.undo()
    mailoutbox.clear()
    watch.watch_sweep(estate=estate_a)
    watch.watch_sweep(estate=estate_a)
    assert len([m for m in mailoutbox if "孙丽" in m.body]) == 1


def test_a_paid_up_house_leaves_the_watch_list(watched, estate_a, clerk_a):
    services.payment_record(house=watched, amount="1000.00", method="cash", by=clerk_a)
    assert watch.watch_sweep(estate=estate_a).stopped == 1
    assert not HouseWatch.objects.get(house=watched).active


def test_the_board_flags_the_new_owner(watched, estate_a, client_for, supervisor_a):
    Person.objects.filter(household__house=watched).update(name="孙丽")
    watch.watch_sweep(estate=estate_a)
    response = client_for(supervisor_a).get("/admin/snippets/fees/arrearscase/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "孙丽" in content  # the "new owner" list above the board
    assert 'data-testid="owners-changed"' in content
