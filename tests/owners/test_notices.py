"""The owner is told at each step of their ticket and when a repair runs late (with the new
expected time), once per ticket and clock, by the channels configured (SMS, email, a new one)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from estatedesk.sweeps import run_frequent_sweep
from notifications.models import Message
from servicedesk import services as desk
from servicedesk.models import Ticket

from tests.owners.conftest import MOBILE_A

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)

SENT_TO_OWNER = []


class FakeWeChatChannel:
    """What a WeChat template-message channel looks like: registered by configuration only."""

    name = "wechat"
    address_kind = "mobile"  # a real one would use the owner's openid

    def send(self, message):
        SENT_TO_OWNER.append(message.body)


@pytest.fixture
def maintenance_a(make_user, estate_a):
    from estates import roles

    return make_user(roles.MAINTENANCE, [estate_a], username="maint_a")


def _owner_sms(sms_outbox):
    return [m["text"] for m in sms_outbox if m["to"] == MOBILE_A]


def test_each_step_is_told_once(owner_a, clerk_a, maintenance_a, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = desk.ticket_intake(estate=owner_a.household.house.building.estate, kind="repair",
                                    house=owner_a.household.house, contact_name="王业主", contact_mobile=MOBILE_A,
                                    contact_email="wang@example.com", description="漏水", by=clerk_a)
        desk.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
        desk.ticket_start(ticket=ticket, by=maintenance_a)
        desk.ticket_done(ticket=ticket, result="已修好", by=maintenance_a)
        desk.ticket_owner_confirm(ticket=ticket, confirmed=True, satisfaction=5)
    texts = _owner_sms(sms_outbox)
    assert len(texts) == 4  # taken, dispatched, done, closed (starting is not a step told)
    assert ticket.number in texts[0] and "受理" in texts[0]
    assert "派" in texts[1] and "完成" in texts[2] and "关闭" in texts[3]
    assert len([m for m in mail.outbox if m.to == ["wang@example.com"]]) == 4
    # Told again (a retried task): nothing more.
    for event in ticket.events.all():
        desk.send_step_notice(event.pk)
    assert len(_owner_sms(sms_outbox)) == 4


def test_a_rolled_back_step_tells_nobody(owner_a, clerk_a, sms_outbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    ticket = desk.ticket_intake(estate=owner_a.household.house.building.estate, kind="repair",
                                house=owner_a.household.house, contact_name="王业主", contact_mobile=MOBILE_A,
                                description="漏水", by=clerk_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            desk.ticket_dispatch(ticket=ticket, contractor="外包", by=clerk_a)
            raise RuntimeError
    assert not callbacks and not _owner_sms(sms_outbox)


def test_a_late_repair_tells_the_owner_once_per_clock_with_the_new_expected_time(owner_a, sms_outbox, settings):
    settings.SERVICEDESK_OWNER_CHANNELS = ["sms"]
    with time_machine.travel(T0, tick=False) as clock:
        ticket = desk.ticket_intake(estate=owner_a.household.house.building.estate, kind="repair",
                                    house=owner_a.household.house, contact_name="王业主", contact_mobile=MOBILE_A,
                                    description="漏水", channel=Ticket.Channel.WEB, by=None)
        sms_outbox.clear()
        clock.move_to(T0 + timedelta(hours=23))
        run_frequent_sweep(fees_daily=False)
        assert not _owner_sms(sms_outbox)  # nothing late yet
        clock.move_to(T0 + timedelta(hours=24, minutes=1))  # the respond promise (24 h) is missed
        result = run_frequent_sweep(fees_daily=False)
        run_frequent_sweep(fees_daily=False)  # twice: the same result
        texts = _owner_sms(sms_outbox)
        assert result["owners_told_late"] == 1 and len(texts) == 1
        # Due 11-03 09:00; 24 h more from the moment it is told (09:01), rounded up: 11-04 10:00.
        assert ticket.number in texts[0] and "2026-11-03 09:00" in texts[0] and "2026-11-04 10:00" in texts[0]
        clock.move_to(T0 + timedelta(hours=48, minutes=1))  # the finish promise (48 h) too
        run_frequent_sweep(fees_daily=False)
        run_frequent_sweep(fees_daily=False)
        assert len(_owner_sms(sms_outbox)) == 2
        assert Message.objects.filter(key__startswith="sd-owner-late:").count() == 2


def test_a_late_notice_is_not_sent_for_a_finished_repair(owner_a, clerk_a, sms_outbox):
    with time_machine.travel(T0, tick=False) as clock:
        ticket = desk.ticket_intake(estate=owner_a.household.house.building.estate, kind="repair",
                                    house=owner_a.household.house, contact_name="王业主", contact_mobile=MOBILE_A,
                                    description="漏水", by=clerk_a)
        desk.ticket_start(ticket=desk.ticket_dispatch(ticket=ticket, contractor="外包", by=clerk_a), by=clerk_a)
        desk.ticket_done(ticket=ticket, result="好了", by=clerk_a)
        clock.move_to(T0 + timedelta(days=3))
        assert desk.notify_owners_of_late_repairs() == 0


def test_a_new_channel_is_added_by_configuration(owner_a, settings, sms_outbox):
    settings.NOTIFICATION_CHANNELS = {"wechat": "tests.owners.test_notices.FakeWeChatChannel"}
    settings.SERVICEDESK_OWNER_CHANNELS = ["wechat"]
    SENT_TO_OWNER.clear()
    with time_machine.travel(T0, tick=False) as clock:
        desk.ticket_intake(estate=owner_a.household.house.building.estate, kind="repair",
                           house=owner_a.household.house, contact_name="王业主", contact_mobile=MOBILE_A,
                           description="漏水", by=None)
        clock.move_to(T0 + timedelta(hours=25))
        desk.notify_owners_of_late_repairs()
    assert len(SENT_TO_OWNER) == 1 and not _owner_sms(sms_outbox)
    assert Message.objects.get(key__startswith="sd-owner-late:").channel == "wechat"
