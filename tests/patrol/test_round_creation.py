"""The periodic task creates the due rounds once, makes lost days up and marks missed ones."""

from datetime import date, time, timedelta

import pytest
from patrol import schedule, services, tasks
from patrol.factories import PatrolPlanFactory, PlanStopFactory
from patrol.models import PatrolRound

from tests.patrol.conftest import SHANGHAI, T0

pytestmark = pytest.mark.django_db


def _dates(plan):
    return sorted(plan.rounds.values_list("date", flat=True))


def test_daily_round_created_once_even_when_the_task_runs_twice(frozen, plan):
    tasks.patrol_rounds_sweep.call_local()
    tasks.patrol_rounds_sweep.call_local()
    rounds = list(PatrolRound.objects.all())
    assert len(rounds) == 1
    r = rounds[0]
    assert r.date == date(2026, 11, 2) and r.status == PatrolRound.Status.DUE and r.estate == plan.estate
    assert r.window_start == T0.replace(hour=8) and r.window_end == T0.replace(hour=11)


def test_the_window_closes_unwalked_round_is_missed_once(frozen, plan):
    services.rounds_sweep()
    frozen.move_to(T0.replace(hour=10, minute=59))
    assert services.rounds_sweep() == (0, 0)
    frozen.move_to(T0.replace(hour=11))
    assert services.rounds_sweep() == (0, 1)
    assert services.rounds_sweep() == (0, 0)
    assert PatrolRound.objects.get().status == PatrolRound.Status.MISSED


def test_days_lost_while_the_worker_was_dead_are_made_up_once_and_missed(frozen, plan):
    services.rounds_sweep()
    frozen.move_to(T0 + timedelta(days=3, hours=2))  # Thursday 09:00: Mon-Wed never swept
    created, missed = services.rounds_sweep()
    assert created == 3  # Tuesday, Wednesday, Thursday
    assert _dates(plan) == [date(2026, 11, d) for d in (2, 3, 4, 5)]
    statuses = dict(plan.rounds.values_list("date", "status"))
    assert [statuses[date(2026, 11, d)] for d in (2, 3, 4, 5)] == ["missed", "missed", "missed", "due"]
    assert missed == 3
    assert services.rounds_sweep() == (0, 0)


def test_catch_up_is_limited(frozen, plan, settings):
    settings.PATROL_CATCH_UP_DAYS = 2
    frozen.move_to(T0 + timedelta(days=10))
    services.rounds_create_due()
    assert _dates(plan) == [date(2026, 11, d) for d in (10, 11, 12)]


def test_weekly_plan_on_its_weekday_only(frozen, estate_a, pump_room):
    weekly = PatrolPlanFactory(estate=estate_a, frequency="weekly", weekdays="3", starts_on=T0.date())
    PlanStopFactory(plan=weekly, checkpoint=pump_room)
    for day in range(14):
        frozen.move_to(T0 + timedelta(days=day))
        services.rounds_sweep()
    assert _dates(weekly) == [date(2026, 11, 4), date(2026, 11, 11)]  # Wednesdays


def test_given_weekdays(frozen, estate_a, pump_room):
    plan = PatrolPlanFactory(estate=estate_a, frequency="weekdays", weekdays="15", starts_on=T0.date())
    frozen.move_to(T0 + timedelta(days=7))
    services.rounds_create_due()
    assert _dates(plan) == [date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 9)]  # Mon, Fri, Mon


def test_monthly_uses_the_last_day_of_a_short_month():
    plan = PatrolPlanFactory.build(frequency="monthly", day_of_month=31, starts_on=date(2026, 1, 1))
    days = schedule.due_days(plan, first=date(2026, 1, 1), last=date(2026, 4, 30))
    assert days == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_night_window_ends_next_morning():
    plan = PatrolPlanFactory.build(window_start=time(22), window_end=time(6))
    start, end = schedule.window_of(plan, date(2026, 11, 2))
    assert (start.hour, end.date(), end.hour) == (22, date(2026, 11, 3), 6)
    assert start.tzinfo == SHANGHAI


def test_inactive_and_future_plans_make_no_rounds(frozen, estate_a):
    PatrolPlanFactory(estate=estate_a, active=False, starts_on=T0.date())
    PatrolPlanFactory(estate=estate_a, starts_on=T0.date() + timedelta(days=1))
    assert services.rounds_create_due() == 0


def test_a_started_round_gets_the_grace_period_then_is_missed(frozen, plan, settings):
    settings.PATROL_LATE_GRACE_MINUTES = 60
    services.rounds_sweep()
    PatrolRound.objects.update(status=PatrolRound.Status.IN_PROGRESS)
    frozen.move_to(T0.replace(hour=11, minute=30))
    assert services.rounds_mark_missed() == 0
    frozen.move_to(T0.replace(hour=12))
    assert services.rounds_mark_missed() == 1
