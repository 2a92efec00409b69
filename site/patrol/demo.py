"""Demo patrols (load_demo): checkpoints with checklists, three plans, a week of rounds, some
walked, one hazard followed to verification and one still open."""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from estates import roles

from patrol import hazards, services
from patrol.models import ChecklistItem, Checkpoint, Hazard, PatrolPlan, PatrolRound, PlanStop

CHECKPOINTS = [
    ("水泵房", Checkpoint.Kind.PUMP_ROOM, "地下一层东侧", [("水泵运行正常、无异响", "equipment"), ("无渗漏、地面无积水", "safety"), ("房间整洁", "cleanliness")]),
    ("屋顶", Checkpoint.Kind.ROOF, "1栋屋面", [("排水口无堵塞", "equipment"), ("护栏牢固", "safety")]),
    ("配电房", Checkpoint.Kind.METER_ROOM, "地下一层西侧", [("电表箱门锁完好", "safety"), ("无杂物堆放", "cleanliness")]),
    ("电梯机房", Checkpoint.Kind.LIFT, "2栋屋顶", [("电梯运行平稳", "equipment"), ("应急照明正常", "safety")]),
    ("消防通道门", Checkpoint.Kind.FIRE_DOOR, "各楼栋一层", [("防火门常闭、闭门器正常", "safety"), ("通道无堵塞", "safety")]),
    ("地下车库", Checkpoint.Kind.CAR_PARK, "B1", [("照明正常", "equipment"), ("消防栓完好", "safety"), ("地面清洁", "cleanliness")]),
    ("中心花园", Checkpoint.Kind.GARDEN, "小区中央", [("树木无倒伏", "safety"), ("草坪修剪整齐", "cleanliness")]),
]


def _checkpoints(estate) -> list[Checkpoint]:
    made = []
    for name, kind, location, items in CHECKPOINTS:
        checkpoint = Checkpoint.objects.create(estate=estate, name=name, kind=kind, location=location)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checkpoint=checkpoint, text=text, category=category, sort_order=i)
            for i, (text, category) in enumerate(items)
        )
        made.append(checkpoint)
    return made


def _plan(estate, name, checkpoints, **fields) -> PatrolPlan:
    plan = PatrolPlan.objects.create(estate=estate, name=name, **fields)
    PlanStop.objects.bulk_create(PlanStop(plan=plan, checkpoint=c, sort_order=i) for i, c in enumerate(checkpoints))
    return plan


def _walk(patrol_round, by, *, bad: dict | None = None, at=None):
    """Walk a whole round; ``bad`` maps a checkpoint name to (note, severity) for its first item."""
    bad = bad or {}
    at = at or patrol_round.window_start + timedelta(minutes=20)
    for n, checkpoint in enumerate(services.route(patrol_round)):
        results = []
        for i, item in enumerate(checkpoint.items.all()):
            note, severity = bad.get(checkpoint.name, (None, None)) if i == 0 else (None, None)
            results.append(services.ItemResult(item=item, ok=note is None, note=note or "", severity=severity or ""))
        services.visit_record(patrol_round=patrol_round, checkpoint=checkpoint, results=results, by=by,
                              now=at + timedelta(minutes=10 * n))


def load(*, estates, seed):
    rng = random.Random(seed)
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["steward", "clerk", "supervisor", "maintenance", "clerk_b"])}
    start = timezone.localdate() - timedelta(days=7)
    for estate in estates:
        checkpoints = _checkpoints(estate)
        _plan(estate, "每日设备巡查", checkpoints[:4], frequency=PatrolPlan.Frequency.DAILY,
              window_start=time(8, 0), window_end=time(11, 0), responsible_role=roles.STEWARD, starts_on=start)
        _plan(estate, "每周安全巡查", checkpoints[4:6], frequency=PatrolPlan.Frequency.WEEKDAYS, weekdays="15",
              window_start=time(14, 0), window_end=time(17, 0), responsible_role=roles.CLERK, starts_on=start)
        _plan(estate, "每月园林巡查", checkpoints[6:], frequency=PatrolPlan.Frequency.MONTHLY, day_of_month=1,
              window_start=time(9, 0), window_end=time(12, 0), responsible_role=roles.MAINTENANCE, starts_on=start)
    services.rounds_sweep()
    steward, supervisor, maintenance = users.get("steward"), users.get("supervisor"), users.get("maintenance")
    if not (steward and supervisor and maintenance):
        return
    now = timezone.now()
    daily = PatrolRound.objects.filter(plan__name="每日设备巡查", estate__code="HYY", window_end__lt=now).order_by("date")
    past = list(daily)
    # Most past days were walked, one was not (it stays missed); the first one found two hazards.
    for index, patrol_round in enumerate(past):
        if index == len(past) - 2 or patrol_round.status == PatrolRound.Status.DONE:
            continue
        patrol_round.status = PatrolRound.Status.DUE
        patrol_round.save(update_fields=["status"])
        bad = {"水泵房": ("水泵轴封渗水", "high"), "屋顶": ("排水口落叶堵塞", "low")} if index == 0 else None
        late = timedelta(hours=3, minutes=30) if rng.random() < 0.2 else timedelta(minutes=20)
        _walk(patrol_round, steward, bad=bad, at=patrol_round.window_start + late)
    services.rounds_mark_missed()


    found = {h.checkpoint.name: h for h in Hazard.objects.filter(estate__code="HYY").select_related("checkpoint")}
    pump = found.get("水泵房")
    if pump is not None:
        hazards.hazard_assign(hazard=pump, department="engineering", assignee=maintenance, by=supervisor)
        hazards.hazard_start(hazard=pump, by=maintenance)
        hazards.hazard_rectify(hazard=pump, rectification="更换轴封", by=maintenance)
        hazards.hazard_verify(hazard=pump, by=supervisor)
    roof = found.get("屋顶")
    if roof is not None:
        hazards.hazard_assign(hazard=roof, department="cleaning", by=supervisor)
