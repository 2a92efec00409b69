"""Overdue chasing: the Huey task under frozen time."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from lending import services
from lending.tasks import chase_overdue_loans
from notifications.models import Message

pytestmark = pytest.mark.django_db

DAY_START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def overdue_setup(request_key, supervisor_a, frontdesk_a, manager_a):
    with time_machine.travel(DAY_START, tick=False):
        loan = services.loan_approve(loan=request_key(), by=supervisor_a)
        loan = services.loan_hand_out(loan=loan, by=frontdesk_a)
    return loan


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        chase_overdue_loans()


def test_nothing_is_sent_before_the_due_time(overdue_setup, sms_outbox, mailoutbox):
    run_at(DAY_START + datetime.timedelta(hours=8))  # 17:00, due 18:00
    assert sms_outbox == [] and mailoutbox == []


def test_overdue_run_twice_sends_one_reminder(overdue_setup, sms_outbox, mailoutbox, supervisor_a):
    evening = DAY_START + datetime.timedelta(hours=10)  # 19:00, an hour overdue
    run_at(evening)
    run_at(evening + datetime.timedelta(hours=1))
    assert [m["to"] for m in sms_outbox] == ["13800138000"]
    assert "请归还" in sms_outbox[0]["text"]
    assert [m.to for m in mailoutbox] == [[supervisor_a.email]]
    assert Message.objects.filter(key=f"loan-overdue:{overdue_setup.pk}:2026-11-23").exists()


def test_one_reminder_a_day_and_a_lost_day_is_made_up(overdue_setup, sms_outbox):
    run_at(DAY_START + datetime.timedelta(hours=10))
    # The runs of 24 November were all lost; the first run of the 25th sends that day's reminder.
    run_at(DAY_START + datetime.timedelta(days=2, hours=1))
    run_at(DAY_START + datetime.timedelta(days=2, hours=2))
    assert len(sms_outbox) == 2


def test_escalation_to_the_manager_once_after_n_days(overdue_setup, mailoutbox, manager_a, settings):
    settings.LENDING_ESCALATE_AFTER_DAYS = 3
    run_at(DAY_START + datetime.timedelta(days=2, hours=10))
    assert manager_a.email not in [m.to[0] for m in mailoutbox]
    run_at(DAY_START + datetime.timedelta(days=3, hours=10))
    run_at(DAY_START + datetime.timedelta(days=4, hours=10))
    escalations = [m for m in mailoutbox if m.to == [manager_a.email]]
    assert len(escalations) == 1
    assert "逾期" in escalations[0].subject


def test_returned_loan_is_not_chased(overdue_setup, frontdesk_a, sms_outbox, mailoutbox):
    with time_machine.travel(DAY_START + datetime.timedelta(hours=9, minutes=30), tick=False):
        services.loan_return(loan=overdue_setup, by=frontdesk_a)
    run_at(DAY_START + datetime.timedelta(days=1))
    assert sms_outbox == [] and mailoutbox == []


def test_staff_borrower_is_reminded_by_email(key_a, clerk_a, frontdesk_a, supervisor_a, mailoutbox, sms_outbox):
    with time_machine.travel(DAY_START, tick=False):
        loan = services.loan_request(item=key_a, by=clerk_a, borrower_user=frontdesk_a, purpose="抄表")
        services.loan_approve_and_hand_out(loan=loan, by=supervisor_a)
    run_at(DAY_START + datetime.timedelta(hours=12))
    assert sorted(m.to[0] for m in mailoutbox) == sorted([frontdesk_a.email, supervisor_a.email])
    assert sms_outbox == []
