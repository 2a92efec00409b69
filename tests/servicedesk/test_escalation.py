"""Escalation by the frequent sweep (the Huey task of every minute): handler at 80 %, supervisor when the clock runs out, estate
manager at 150 %; each once per clock, level-triggered, under frozen time."""

from datetime import timedelta

from estatedesk.tasks import frequent_sweep
from estates import roles
from estates.models import StaffMembership
from notifications.models import Message
from notifications.services import notify
from servicedesk import services
from servicedesk.models import ClockEscalation

from .conftest import T0

H = timedelta(hours=1)


def run():
    # The body of the periodic task a worker runs every minute.
    return frequent_sweep.call_local()["escalations_sent"]


def recipients(mailoutbox):
    return sorted(addr for m in mailoutbox for addr in m.to)


def test_handler_then_supervisor_then_manager_each_once(
    intake, clerk_a, supervisor_a, manager_a, frozen, mailoutbox, sms_outbox
):
    StaffMembership.objects.filter(user=supervisor_a).update(mobile="13911112222")
    ticket = intake(kind="enquiry")  # answer within 1 hour
    frozen.move_to(T0 + timedelta(minutes=47))
    run()
    assert mailoutbox == []  # 78 % gone: nothing yet
    frozen.move_to(T0 + timedelta(minutes=48))  # 80 %
    run()
    assert recipients(mailoutbox) == [clerk_a.email]
    assert "即将到期" in mailoutbox[0].subject or "Due soon" in mailoutbox[0].subject
    run()
    assert len(mailoutbox) == 1  # the same sweep again sends nothing new
    frozen.move_to(T0 + H)  # run out
    run()
    run()
    assert recipients(mailoutbox) == sorted([clerk_a.email, supervisor_a.email])
    assert [s["to"] for s in sms_outbox] == ["13911112222"]
    frozen.move_to(T0 + timedelta(minutes=90))  # 150 %
    run()
    run()
    assert recipients(mailoutbox)[-3:] == sorted([clerk_a.email, manager_a.email, supervisor_a.email])
    assert len(mailoutbox) == 3
    assert set(ClockEscalation.objects.filter(clock__ticket=ticket).values_list("level", flat=True)) == {1, 2, 3}
    assert Message.objects.filter(key__startswith="sd:").count() == 4  # 3 emails + 1 SMS


def test_a_lost_run_is_made_up_by_the_next(intake, clerk_a, supervisor_a, manager_a, frozen, mailoutbox):
    intake(kind="enquiry")
    frozen.move_to(T0 + 3 * H)  # every earlier run was lost
    run()
    assert recipients(mailoutbox) == sorted([clerk_a.email, supervisor_a.email, manager_a.email])
    run()
    assert len(mailoutbox) == 3


def test_a_kept_clock_is_not_escalated(intake, clerk_a, supervisor_a, frozen, mailoutbox):
    ticket = intake(kind="enquiry")
    frozen.move_to(T0 + timedelta(minutes=30))
    services.ticket_done(ticket=ticket, result="物业费按月缴纳", by=clerk_a)
    frozen.move_to(T0 + 5 * H)
    run()
    assert mailoutbox == []


def test_a_half_done_escalation_is_completed_without_resending(intake, clerk_a, supervisor_a, make_user, estate_a, frozen, mailoutbox):
    second = make_user(roles.SUPERVISOR, [estate_a], username="supervisor_a2")
    ticket = intake(kind="enquiry")
    frozen.move_to(T0 + H)
    clock = ticket.clocks.get(kind="answer")
    # A worker died after sending to the first supervisor but before recording the level.
    notify(
        to=supervisor_a.email, template="servicedesk_escalation", channel="email",
        key=f"sd:{clock.pk}:2:{supervisor_a.pk}:email",
        context={"number": ticket.number, "clock": "x", "due_at": clock.due_at, "overdue": True},
    )
    assert len(mailoutbox) == 1
    run()
    sent_to = recipients(mailoutbox)
    assert sent_to.count(supervisor_a.email) == 1
    assert second.email in sent_to and clerk_a.email in sent_to


def test_repair_clock_warns_the_maintenance_person_too(intake, clerk_a, maintenance_a, frozen, mailoutbox):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    frozen.move_to(T0 + timedelta(hours=20))  # respond clock 24 h: 83 %
    run()
    assert recipients(mailoutbox) == sorted([clerk_a.email, maintenance_a.email])


def test_other_estates_staff_are_never_told(intake, supervisor_a, make_user, estate_b, frozen, mailoutbox):
    other = make_user(roles.SUPERVISOR, [estate_b], username="supervisor_b")
    intake(kind="enquiry")
    frozen.move_to(T0 + 2 * H)
    run()
    assert other.email not in recipients(mailoutbox)
    assert supervisor_a.email in recipients(mailoutbox)


def test_major_complaint_tells_the_supervisors_at_intake(intake, supervisor_a, frozen, mailoutbox):
    ticket = intake(kind="complaint", severity="urgent")
    assert recipients(mailoutbox) == [supervisor_a.email]
    assert ticket.number in mailoutbox[0].body
    intake(kind="complaint", severity="general")
    assert len(mailoutbox) == 1


def test_warn_share_is_a_setting(intake, clerk_a, frozen, mailoutbox, settings):
    settings.SERVICEDESK_WARN_SHARE = 0.5
    intake(kind="enquiry")
    frozen.move_to(T0 + timedelta(minutes=31))
    run()
    assert recipients(mailoutbox) == [clerk_a.email]


def test_estate_specific_numbers_drive_the_escalation(intake, clerk_a, supervisor_a, estate_a, frozen, mailoutbox):
    from servicedesk.factories import ServiceClockSettingsFactory

    ServiceClockSettingsFactory(estate=estate_a, enquiry_answer_hours=2)
    intake(kind="enquiry")
    frozen.move_to(T0 + timedelta(minutes=90))  # 75 % of 2 h
    run()
    assert mailoutbox == []
    frozen.move_to(T0 + timedelta(minutes=96))  # 80 %
    run()
    assert recipients(mailoutbox) == [clerk_a.email]
    frozen.move_to(T0 + 2 * H)
    run()
    assert supervisor_a.email in recipients(mailoutbox)


def test_a_reopened_repair_escalates_on_its_new_clock(intake, clerk_a, supervisor_a, maintenance_a, frozen, mailoutbox):
    ticket = intake()
    services.ticket_dispatch(ticket=ticket, assignee=maintenance_a, by=clerk_a)
    services.ticket_start(ticket=ticket, by=maintenance_a)
    frozen.move_to(T0 + 10 * H)
    services.ticket_done(ticket=ticket, result="ok", by=maintenance_a)
    services.ticket_return_visit(ticket=ticket, satisfaction=1, owner_confirmed=False, by=clerk_a)
    services.ticket_reopen(ticket=ticket, reason="没修好", by=clerk_a)
    new_finish = ticket.clocks.get(kind="finish", cycle=2)
    frozen.move_to(T0 + 10 * H + 48 * H)  # the first finish clock's time is long gone; the new one runs out now
    run()
    escalated = set(ClockEscalation.objects.values_list("clock_id", "level"))
    assert escalated == {(new_finish.pk, 1), (new_finish.pk, 2)}
    assert supervisor_a.email in recipients(mailoutbox)
