"""Months of billing, payment and chasing under frozen time; the killed sweep; the ladder rules."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from estates import roles
from fees import ladder, services, tasks
from fees.factories import ArrearsCaseFactory
from fees.models import ArrearsCase, Bill, ChasingStep, Step
from notifications.models import Message

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, 0, tzinfo=SH)


def case_of(house):
    return ArrearsCase.objects.get(house=house)


def steps_of(house, step=None):
    qs = ChasingStep.objects.filter(house=house).order_by("done_at", "pk")
    if step:
        qs = qs.filter(step=step)
    return list(qs.values_list("step", "period", "status"))


@pytest.mark.django_db
def test_seven_months_of_billing_payment_and_chasing(estate_a, property_fee, make_house, make_user, sms_outbox):
    """A house that stops paying climbs the ladder month by month; a paying house never appears."""
    debtor = make_house(area="100.00")          # ¥250.00 a month, due on the 16th
    payer = make_house(area="80.00")            # ¥200.00 a month, paid every month
    ArrearsCaseFactory(house=debtor, amount=0, months=0, contact_name="王芳", contact_mobile="13900000001")
    clerk = make_user(roles.CLERK, [estate_a])
    supervisor = make_user(roles.SUPERVISOR, [estate_a])

    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        tasks.daily_arrears_sweep()  # Huey task (immediate mode): issues January's bills
    assert Bill.objects.filter(period=dt.date(2026, 1, 1)).count() == 2
    # The monthly notice went to the house with a contact on file.
    assert [m["to"] for m in sms_outbox] == ["13900000001"]
    assert "2026-01" in sms_outbox[0]["text"] and "250.00" in sms_outbox[0]["text"]

    def month(y, m):
        """The 1st (bills), the payer pays on the 10th, the sweep on the 20th."""
        with time_machine.travel(at(y, m, 1, 2), tick=False):
            tasks.sweep_all()
        with time_machine.travel(at(y, m, 10), tick=False):
            services.payment_record(house=payer, amount="200.00", method="wechat", by=clerk)
        with time_machine.travel(at(y, m, 20), tick=False):
            tasks.sweep_all()

    with time_machine.travel(at(2026, 1, 10), tick=False):
        services.payment_record(house=payer, amount="200.00", method="wechat", by=clerk)
    with time_machine.travel(at(2026, 1, 20), tick=False):
        tasks.sweep_all()
    case = case_of(debtor)
    assert (case.amount, case.months, case.current_step, case.next_step) == (Decimal("250.00"), 1, Step.REMINDER, "")
    assert not ArrearsCase.objects.filter(house=payer, amount__gt=0).exists()
    assert steps_of(debtor, Step.REMINDER) == [(Step.REMINDER, dt.date(2026, 1, 1), "sent")]

    month(2026, 2)
    case = case_of(debtor)
    assert (case.amount, case.months, case.next_step) == (Decimal("500.00"), 2, Step.CALL)
    assert not case.watch_list
    # One notice and one reminder a month, never twice.
    assert len(steps_of(debtor, Step.REMINDER)) == 2 and len(steps_of(debtor, Step.NOTICE)) == 2

    with time_machine.travel(at(2026, 2, 21), tick=False):
        services.chasing_step_record(house=debtor, step=Step.CALL, outcome="promised", note="下周付", by=clerk)
    case = case_of(debtor)
    assert (case.current_step, case.next_step) == (Step.CALL, "")
    assert case.last_contact_at == at(2026, 2, 21)

    month(2026, 3)
    case = case_of(debtor)
    assert (case.amount, case.months, case.next_step) == (Decimal("750.00"), 3, Step.CALL)
    with time_machine.travel(at(2026, 3, 21), tick=False):
        services.chasing_step_record(house=debtor, step=Step.CALL, outcome="no_answer", note="无人接听", by=clerk)
    assert case_of(debtor).next_step == Step.VISIT  # repeated failures: a door visit
    with time_machine.travel(at(2026, 3, 22), tick=False):
        services.chasing_step_record(house=debtor, step=Step.VISIT, outcome="refused", note="对服务不满", by=supervisor)
    assert (case_of(debtor).current_step, case_of(debtor).next_step) == (Step.VISIT, "")

    month(2026, 4)
    case = case_of(debtor)
    assert (case.months, case.watch_list, case.large_account) == (4, True, False)
    assert case.next_step == Step.CALL  # not a large account: no lawyer's letter yet

    for m in (5, 6, 7):
        month(2026, m)
    case = case_of(debtor)
    assert (case.amount, case.months, case.next_step) == (Decimal("1750.00"), 7, Step.LAWSUIT)
    assert len(steps_of(debtor, Step.REMINDER)) == 7
    assert Message.objects.filter(key__startswith=f"fees:{debtor.pk}:").count() == 14  # 7 notices + 7 reminders
    assert len([m for m in sms_outbox if m["to"] == "13900000001"]) == 14

    with time_machine.travel(at(2026, 7, 25), tick=False):
        services.chasing_step_record(house=debtor, step=Step.LAWSUIT, outcome="other", note="已移交律师", by=supervisor)
        assert case_of(debtor).next_step == ""
        # The owner settles everything: the house leaves the board.
        services.payment_record(house=debtor, amount="1750.00", method="bank", by=clerk)
    case = case_of(debtor)
    assert (case.amount, case.months, case.current_step, case.next_step, case.watch_list) == (0, 0, "", "", False)
    assert not ArrearsCase.objects.filter(amount__gt=0).exists()
    # The sweep of the next day sends nothing new.
    before = len(sms_outbox)
    with time_machine.travel(at(2026, 7, 26), tick=False):
        tasks.sweep_all()
    assert len(sms_outbox) == before


@pytest.mark.django_db
def test_large_account_gets_a_lawyers_letter_after_three_months(estate_a, property_fee, make_house):
    estate_a.managed_area = Decimal("10000")
    estate_a.save()
    big = make_house(area="150.00")  # > 1 % of 10,000 m²
    small = make_house(area="90.00")
    for m in range(1, 5):
        with time_machine.travel(at(2026, m, 1, 2), tick=False):
            services.bills_issue(estate=estate_a, period=dt.date(2026, m, 1))
    with time_machine.travel(at(2026, 4, 20), tick=False):
        services.arrears_sweep(estate=estate_a)
    assert (case_of(big).large_account, case_of(big).months, case_of(big).next_step) == (True, 4, Step.LAWYER_LETTER)
    assert (case_of(small).large_account, case_of(small).next_step) == (False, Step.CALL)
    # Reminders went out even without a contact? No: recorded as "no contact", nothing sent.
    assert steps_of(big, Step.REMINDER) == [(Step.REMINDER, dt.date(2026, 4, 1), "no_contact")]


@pytest.mark.django_db
def test_a_contact_typed_in_later_gets_this_months_reminder(estate_a, property_fee, make_house, sms_outbox, clerk_a):
    house = make_house()
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        services.bills_issue(estate=estate_a, period=dt.date(2026, 1, 1))
    with time_machine.travel(at(2026, 1, 20), tick=False):
        tasks.sweep_all()
        assert sms_outbox == []
        services.arrears_contact_update(case=case_of(house), name="李雷", mobile="139 0000 0002", email="", by=clerk_a)
        tasks.sweep_all()
    assert [m["to"] for m in sms_outbox] == ["13900000002"]


@pytest.mark.django_db
def test_sweep_twice_a_day_records_and_sends_nothing_new(estate_a, property_fee, make_house, sms_outbox):
    houses = [make_house() for _ in range(3)]
    for h in houses:
        ArrearsCaseFactory(house=h, amount=0, months=0, contact_mobile=f"1390000001{h.pk % 10}")
    with time_machine.travel(at(2026, 1, 20), tick=False):
        services.bills_issue(estate=estate_a, period=dt.date(2026, 1, 1))
        first = tasks.sweep_all()
        sent = len(sms_outbox)
        second = tasks.sweep_all()
    assert first["reminders"] == 3 and second == {"bills": 0, "reminders": 0, "sent": 0}
    assert len(sms_outbox) == sent == 6  # 3 notices + 3 reminders


@pytest.mark.django_db
@pytest.mark.parametrize("kill_after_send", [False, True])
def test_a_sweep_killed_half_way_is_completed_by_the_next_without_duplicates(
    estate_a, property_fee, make_house, sms_outbox, monkeypatch, settings, kill_after_send,
):
    """Messages are claimed 4 at a time. The worker dies after its first batch of 4 was sent and
    recorded: before claiming the next batch, or (kill_after_send) right after recording the
    outcomes, before any step is marked. The next sweep sends exactly the 6 missing reminders,
    and nobody gets two."""
    settings.NOTIFICATIONS_CLAIM_BATCH = 4
    houses = [make_house() for _ in range(10)]
    for i, h in enumerate(houses):
        ArrearsCaseFactory(house=h, amount=0, months=0, contact_mobile=f"1380000{i:04d}")
    with time_machine.travel(at(2026, 1, 1, 2), tick=False):
        services.bills_issue(estate=estate_a, period=dt.date(2026, 1, 1))
        services.steps_deliver(estate=estate_a)  # the notices
    sms_outbox.clear()

    import notifications.batches as batches

    real_record, real_claim = batches._record_outcomes, batches._claim_batch
    calls = {"batches": 0}

    class WorkerKilled(BaseException):
        pass

    def dying_claim(ids, claimable):  # dies before taking the second batch
        if calls["batches"] >= 1:
            raise WorkerKilled
        return real_claim(ids, claimable)

    def dying_record(messages):  # records the first batch, then dies before its steps are marked
        real_record(messages)
        calls["batches"] += 1
        if kill_after_send:
            raise WorkerKilled

    monkeypatch.setattr(batches, "_record_outcomes", dying_record)
    monkeypatch.setattr(batches, "_claim_batch", dying_claim)
    with time_machine.travel(at(2026, 1, 20), tick=False):
        with pytest.raises(WorkerKilled):
            tasks.sweep_all()
    assert len(sms_outbox) == 4
    assert ChasingStep.objects.filter(step=Step.REMINDER).count() == 10  # all recorded before sending
    assert not Message.objects.filter(status=Message.Status.SENDING).exists()  # no batch was in flight
    monkeypatch.setattr(batches, "_record_outcomes", real_record)
    monkeypatch.setattr(batches, "_claim_batch", real_claim)

    with time_machine.travel(at(2026, 1, 20, 10), tick=False):
        tasks.sweep_all()
    recipients = [m["to"] for m in sms_outbox]
    assert len(recipients) == 10 and len(set(recipients)) == 10
    assert set(ChasingStep.objects.filter(step=Step.REMINDER).values_list("status", flat=True)) == {"sent"}
    assert Message.objects.filter(key__contains=":reminder:").count() == 10


def test_next_step_rules():
    ns = ladder.next_step
    assert ns(months=0, large_account=True, since_opened=set(), this_period=set()) == ""
    assert ns(months=1, large_account=False, since_opened=set(), this_period=set()) == Step.REMINDER
    assert ns(months=1, large_account=False, since_opened={Step.REMINDER}, this_period={Step.REMINDER}) == ""
    assert ns(months=2, large_account=False, since_opened=set(), this_period={Step.REMINDER}) == Step.CALL
    assert ns(months=3, large_account=False, since_opened=set(), this_period={Step.REMINDER, Step.CALL}) == Step.VISIT
    assert ns(months=4, large_account=True, since_opened=set(), this_period=set()) == Step.LAWYER_LETTER
    assert ns(months=4, large_account=True, since_opened={Step.LAWYER_LETTER}, this_period=set()) == Step.REMINDER
    assert ns(months=7, large_account=False, since_opened=set(), this_period=set()) == Step.LAWSUIT
    assert ns(months=6, large_account=False, since_opened=set(), this_period=set()) == Step.LAWSUIT
    assert ns(months=9, large_account=False, since_opened={Step.LAWSUIT}, this_period=set()) == ""
    assert ladder.current_step({Step.NOTICE, Step.REMINDER, Step.VISIT, Step.CALL}) == Step.VISIT
    assert ladder.is_large_account(Decimal("101"), Decimal("10000")) and not ladder.is_large_account(100, 10000)


@pytest.mark.django_db
def test_sweep_updates_many_cases_at_once(estate_a, property_fee, make_house):
    """Above 200 changed cases PostgreSQL takes the COPY + UPDATE … FROM path; same result."""
    houses = [make_house(area="80.00") for _ in range(230)]
    ArrearsCase.objects.bulk_create([ArrearsCase(estate=estate_a, house=h, contact_mobile="13900000000") for h in houses])
    with time_machine.travel(at(2026, 2, 20), tick=False):
        services.bills_issue(estate=estate_a, period=dt.date(2026, 1, 1))
        result = services.arrears_sweep(estate=estate_a)
    assert result.cases_updated == 230 and result.reminders_recorded == 230
    assert set(ArrearsCase.objects.values_list("amount", "months", "next_step")) == {(Decimal("200.00"), 1, "")}
    assert set(ArrearsCase.objects.values_list("current_step", flat=True)) == {Step.REMINDER}
    assert ChasingStep.history.filter(history_type="+", step=Step.REMINDER).count() == 230


# Each boundary of the rules, in the rules' own words. 以上 includes the number; 超过 excludes it.
_NONE: set = set()
_THIS_MONTH_DONE = {Step.REMINDER, Step.CALL, Step.VISIT}


@pytest.mark.parametrize(
    ("words", "months", "large", "expected"),
    [
        ("欠费两个月：电话催缴已做，不升级 (month 2, nothing legal)", 2, True, ""),
        ("欠费两个月：小户同样不升级 (small account, month 2)", 2, False, ""),
        ("欠费超过3个月的大户发律师函：三个月不超过 (3 is not over 3)", 3, True, ""),
        ("欠费超过3个月：小户三个月 (small account, month 3)", 3, False, ""),
        ("欠费超过3个月的大户发律师函：四个月 (4 is over 3)", 4, True, Step.LAWYER_LETTER),
        ("欠费超过3个月：小户不发律师函 (small account, month 4)", 4, False, ""),
        ("欠费达六个月以上起诉：五个月不起诉 (5 months)", 5, False, ""),
        ("欠费达六个月以上起诉：六个月起诉 (以上 includes 6)", 6, False, Step.LAWSUIT),
        ("欠费达六个月以上起诉：大户六个月起诉 (large, 6)", 6, True, Step.LAWSUIT),
        ("欠费达六个月以上起诉：七个月 (7)", 7, False, Step.LAWSUIT),
        ("欠费达六个月以上起诉：大户七个月 (large, 7)", 7, True, Step.LAWSUIT),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_ladder_boundaries_in_the_rules_words(words, months, large, expected):
    # Everything that repeats monthly is already done this month, so only the boundary speaks.
    assert ladder.next_step(months=months, large_account=large, since_opened=_NONE, this_period=_THIS_MONTH_DONE) == expected



@pytest.mark.parametrize(
    ("words", "months", "watched"),
    [
        ("欠费超过3个月的，应密切关注其物业的买卖和变更：三个月不列入 (3)", 3, False),
        ("欠费超过3个月的，应密切关注其物业的买卖和变更：四个月列入 (4)", 4, True),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_watch_list_boundary_in_the_rules_words(words, months, watched):
    assert (months > ladder.WATCH_AFTER_MONTHS) is watched
