"""Demo desk procedures (load_demo): each estate's rules; in the first estate a week of move-ins
with their clocks (two booked for today), decorations at each stage (one stopped by a violation),
releases at each stage, and a gate login (``gate``)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from archives.models import Person
from django.contrib.auth import get_user_model
from django.utils import timezone
from estates.factories import make_staff
from estates.models import House
from fees.services import Deduction

from lifecycle import services
from lifecycle.models import LifecycleRules, MoveIn, Release
from lifecycle.roles import GATE
from lifecycle.workflow import RELEASES


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _moveins(estate, houses, users, rng):
    desk, clerk = users["frontdesk"], users["clerk"]
    today = timezone.localdate()
    for n, house in enumerate(houses[:6]):
        movein = services.movein_book(house=house, owner_name=f"业主{n + 1}", owner_mobile=f"1391234{n:04d}",
                                      date=today, slot=MoveIn.Slot.MORNING, by=desk)
        if n < 4:  # past move-ins, done, with clocks of every kind
            day = today - timedelta(days=n + 1)
            MoveIn.objects.filter(pk=movein.pk).update(date=day)
            arrived = _at(day, 9, 10 * n)
            services.movein_arrive(movein=movein, by=desk, now=arrived)
            started = arrived + timedelta(minutes=rng.choice([5, 8, 12, 20]))
            services.movein_start(movein=movein, by=desk, documents_checked=movein.documents, now=started)
            services.movein_complete(
                movein=movein, by=clerk, now=started + timedelta(minutes=rng.choice([18, 25, 28, 40])),
                members=[{"name": f"家属{n + 1}", "relationship": "配偶"}],
                keys=[{"tag": f"MI-{house.pk}-1", "opens": "入户门", "copies": 2}],
            )
        elif n == 4:
            services.movein_send_pack(movein=movein, by=desk)


def _decorations(estate, houses, users):
    clerk, supervisor = users["clerk"], users["supervisor"]
    today = timezone.localdate()
    common = {"owner_mobile": "13712340000", "contractor": "安居装饰工程有限公司", "contractor_contact": "刘工",
              "workers": "刘工 木工\n陈工 水电", "deposit_amount": "3000.00"}
    applied = services.decoration_apply(house=houses[0], owner_name="陈先生", scope="全屋翻新，厨卫重做防水",
                                        start=today + timedelta(days=3), end=today + timedelta(days=60), by=clerk,
                                        controlled_items=["改动给排水管道"], **common)
    going = services.decoration_apply(house=houses[1], owner_name="林女士", scope="客厅吊顶，卧室铺木地板",
                                      start=today, end=today + timedelta(days=30), by=clerk, **common)
    services.decoration_approve(decoration=going, by=supervisor, note="按规定时间施工")
    services.inspection_record(decoration=going, ok=True, notes="现场整洁，按图施工", by=clerk)
    services.violation_record(decoration=going, rule="施工时间外作业", action="rectify", by=clerk,
                              description="中午12点至14点电钻施工", rectify_by=today + timedelta(days=3))
    done = services.decoration_apply(house=houses[2], owner_name="黄先生", scope="卫生间翻新",
                                     start=today, end=today + timedelta(days=10), by=clerk, **common)
    services.decoration_approve(decoration=done, by=supervisor)
    services.decoration_accept(decoration=done, house_status=House.Status.OCCUPIED, note="验收合格", by=clerk)
    services.decoration_settle(decoration=done, deductions=[Deduction(reason="公共走道墙面损坏修复", amount="300")],
                               by=supervisor)
    return applied


def _releases(estate, users):
    desk, supervisor = users["frontdesk"], users["supervisor"]
    today = timezone.localdate()
    owners = list(Person.objects.filter(household__house__building__estate=estate, role=Person.Role.OWNER)
                  .exclude(id_number="").select_related("household__house")[:4])
    steps = ["requested", "confirmed", "released", "passed"]
    for owner, step in zip(owners, steps, strict=False):
        house = owner.household.house
        release = services.release_request(
            house=house, requester=Release.Requester.TENANT if step == "requested" else Release.Requester.OWNER,
            requester_name=owner.name if step != "requested" else "租户赵", items="双门冰箱 1台\n三人沙发 1套",
            date=today, carrier="顺达搬家 粤B12345", by=desk,
        )
        if step == "requested":
            continue
        services.release_confirm(release=release, method=Release.Confirmation.IN_PERSON, id_number=owner.id_number,
                                 by=desk)
        if step == "confirmed":
            continue
        if "override" in RELEASES.allowed(release, supervisor):  # a demo house may be in arrears
            services.release_override(release=release, reason="业主已签还款承诺书", by=supervisor)
        services.release_issue(release=release, by=desk)
        if step == "passed":
            services.release_pass(release=release, by=users["gate"])


def load(*, estates, seed):
    rng = random.Random(seed)
    for estate in estates:
        LifecycleRules.objects.get_or_create(estate=estate)
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["frontdesk", "clerk", "supervisor"])}
    if len(users) < 3 or not estates:
        return
    estate = estates[0]
    users["gate"] = make_staff(role=GATE, username="gate", estates=[estate])
    vacant = list(House.objects.filter(building__estate=estate, household__isnull=True).order_by("pk")[:12])
    if len(vacant) < 9:
        return
    _moveins(estate, vacant[:6], users, rng)
    _decorations(estate, vacant[6:9], users)
    _releases(estate, users)
