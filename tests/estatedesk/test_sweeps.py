"""Nothing waits for tomorrow: the frequent sweep picks up what a killed worker left, schedules
read local time, and a manager runs the sweep now from the admin and sees its result."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext
from estatedesk import sweeps
from estatedesk.models import SweepRun
from estates import roles
from fees.factories import ChasingStepFactory
from fees.models import ChasingStep, Step
from huey.contrib.djhuey import HUEY
from notifications.models import Message

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def pending_reminders(house_a):
    """What a daily sweep killed after recording and before sending leaves behind."""
    return [
        ChasingStepFactory(
            house=house_a, step=Step.REMINDER, period=dt.date(2026, month, 1), status=ChasingStep.Status.PENDING,
            outcome="", channel="sms", recipient="13900000001", message_key=f"test-reminder:{month}",
        )
        for month in (1, 2, 3)
    ]


def test_crontab_is_read_in_the_estates_local_time():
    assert HUEY.utc is False
    # Django set the process time zone from TIME_ZONE: Huey's "now" is Beijing time.
    naive_now = HUEY._get_timestamp()
    local_now = timezone.localtime(timezone.now(), SHANGHAI).replace(tzinfo=None)
    assert abs((naive_now - local_now).total_seconds()) < 5


def test_frequent_sweep_sends_pending_reminders_once(pending_reminders, sms_outbox):
    with time_machine.travel(_local(2026, 3, 20, 8, 0), tick=False):  # before the daily hour
        result = sweeps.run_frequent_sweep()
    assert result["reminders_sent"] == 3 and result["fees_daily"] is False
    assert len(sms_outbox) == 3
    assert set(ChasingStep.objects.values_list("status", flat=True)) == {ChasingStep.Status.SENT}
    run = SweepRun.objects.get(name=sweeps.FREQUENT)
    assert run.finished_at and run.result["reminders_sent"] == 3
    with time_machine.travel(_local(2026, 3, 20, 8, 1), tick=False):
        assert sweeps.run_frequent_sweep()["reminders_sent"] == 0
    assert len(sms_outbox) == 3  # level-triggered: nothing twice


def test_daily_fees_sweep_is_due_from_nine_local_until_it_finished(estate_a):
    with time_machine.travel(_local(2026, 3, 20, 8, 59), tick=False):
        assert not sweeps.fees_daily_due()
        assert sweeps.run_frequent_sweep()["fees_daily"] is False
    with time_machine.travel(_local(2026, 3, 20, 9, 0, 30), tick=False):
        assert sweeps.fees_daily_due()
        assert sweeps.run_frequent_sweep()["fees_daily"] is True
        assert not sweeps.fees_daily_due()
        assert sweeps.run_frequent_sweep()["fees_daily"] is False
    with time_machine.travel(_local(2026, 3, 21, 9, 1), tick=False):
        assert sweeps.fees_daily_due()  # a new day


def test_a_daily_run_killed_half_way_is_made_up_within_minutes(estate_a):
    with time_machine.travel(_local(2026, 3, 20, 9, 0), tick=False):
        SweepRun.objects.create(name=sweeps.FEES_DAILY, local_date=dt.date(2026, 3, 20))  # never finished
    with time_machine.travel(_local(2026, 3, 20, 9, 5), tick=False):
        assert not sweeps.fees_daily_due()  # it may still be running
    with time_machine.travel(_local(2026, 3, 20, 9, 11), tick=False):
        assert sweeps.fees_daily_due()  # presumed killed: the next minute's sweep runs it


def test_message_claimed_by_a_dead_worker_is_marked_for_a_person_not_resent(estate_a, sms_outbox):
    stale = timezone.now() - dt.timedelta(minutes=30)
    message = Message.objects.create(
        key="in-flight", channel="sms", recipient="13900000002", template="t", body="text",
        status=Message.Status.SENDING, attempts=1, claimed_at=stale,
    )
    result = sweeps.run_frequent_sweep()
    message.refresh_from_db()
    assert message.status == Message.Status.UNCERTAIN and message.last_error
    assert result["messages_uncertain"] == 1
    assert sms_outbox == []


def test_manager_runs_the_sweep_now_and_sees_the_result(client_for, make_user, estate_a, pending_reminders,
                                                     sms_outbox):
    manager = make_user(roles.ESTATE_MANAGER, [estate_a], username="manager_a")
    client = client_for(manager)
    page = client.get("/admin/sweeps/")
    assert page.status_code == 200
    response = client.post("/admin/sweeps/", {}, follow=True)
    assert response.status_code == 200
    with translation.override("zh-hans"):
        shown = f"{gettext('reminders sent')}: 3"
    assert shown in response.content.decode()
    assert len(sms_outbox) == 3
    run = SweepRun.objects.get(started_by=manager)
    assert run.result["reminders_sent"] == 3 and run.finished_at


def test_other_roles_cannot_run_the_sweep(client_for, clerk_a):
    client = client_for(clerk_a)
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    assert client.get("/admin/sweeps/").status_code in (302, 403)
    assert client.post("/admin/sweeps/").status_code in (302, 403)
    assert not SweepRun.objects.exists()
