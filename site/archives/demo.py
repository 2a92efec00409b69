"""Demo archives: household files for about half the houses, some vehicles, keys and documents.

Deterministic from the seed; written in bulk with history (a "created" entry per row).
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from estates.models import House
from simple_history.utils import bulk_create_with_history

from archives.factories import plate_for, resident_id
from archives.models import Document, Household, Key, Person, Vehicle
from archives.stewards import households_assign_steward

#: At most this many household files per estate, so that a demo of 100 000 houses stays quick.
MAX_HOUSEHOLDS_PER_ESTATE = 2000

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "丽", "涛", "明", "超", "秀英", "建华", "志强", "海燕"]
_RELATIONS = [("配偶", 30), ("儿子", 5), ("女儿", 5), ("母亲", 60), ("父亲", 62)]
_SHARED_ROOMS = ["水泵房", "屋顶", "配电房", "电表间", "消防控制室", "地下车库设备间"]
_DOCUMENTS = [
    ("关于开展消防安全检查的通知", Document.Category.NOTICE),
    ("业主大会会议纪要", Document.Category.MINUTES),
    ("年度工作计划", Document.Category.WORK_PLAN),
    ("电梯维保合同", Document.Category.CONTRACT),
    ("物业服务满意度调查报告", Document.Category.REPORT),
    ("致全体业主的一封信", Document.Category.LETTER),
]


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(_SURNAMES)) + rng.choice(_GIVEN)


def load(*, estates, seed: int) -> None:
    rng = random.Random(seed * 31 + 3)
    serial = 0
    for estate_index, estate in enumerate(estates):
        houses = list(
            House.objects.filter(building__estate=estate).select_related("building").order_by("pk")
        )
        chosen = [h for h in houses if rng.random() < 0.5][:MAX_HOUSEHOLDS_PER_ESTATE]
        households = bulk_create_with_history(
            [Household(house=house, notes="") for house in chosen], Household, batch_size=1000
        )
        # bulk_create returns the pks on SQLite and PostgreSQL.
        people, vehicles = [], []
        for household in households:
            serial += 1
            surname = rng.choice(_SURNAMES)
            born = datetime.date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
            people.append(Person(
                household=household, name=_name(rng, surname), role=Person.Role.OWNER,
                mobile=f"13{rng.randint(5, 9)}{serial:08d}", id_number=resident_id(serial, born),
                move_in=datetime.date(rng.randint(2005, 2024), rng.randint(1, 12), 1),
            ))
            if rng.random() < 0.6:
                relation, _age = rng.choice(_RELATIONS)
                people.append(Person(
                    household=household, name=_name(rng, surname if relation in ("儿子", "女儿") else None),
                    role=Person.Role.FAMILY, relationship=relation, mobile=f"15{rng.randint(0, 9)}{serial:08d}",
                    id_type=Person.IdType.RESIDENT_ID, id_number="",
                ))
            if household.house.status == House.Status.RENTED:
                start = datetime.date(rng.randint(2023, 2025), rng.randint(1, 12), 1)
                people.append(Person(
                    household=household, name=_name(rng), role=Person.Role.TENANT, relationship="租户",
                    mobile=f"18{rng.randint(0, 9)}{serial:08d}", id_type=Person.IdType.PASSPORT,
                    id_number=f"E{serial:08d}", lease_start=start, lease_end=start.replace(year=start.year + 1),
                ))
            if rng.random() < 0.3:
                vehicles.append(Vehicle(
                    household=household, plate=plate_for(estate_index * 100000 + serial),
                    vehicle_type=rng.choice([Vehicle.Type.CAR, Vehicle.Type.CAR, Vehicle.Type.SUV]),
                    colour=rng.choice(["白色", "黑色", "银色", "蓝色"]), parking_space=f"B1-{serial:03d}",
                    permit_number=f"P{estate.code}{serial:05d}",
                    permit_valid_from=datetime.date(2026, 1, 1), permit_valid_to=datetime.date(2026, 12, 31),
                ))
        bulk_create_with_history(people, Person, batch_size=1000)
        bulk_create_with_history(vehicles, Vehicle, batch_size=1000)

        keys = []
        vacant = [h for h in houses if h.status == House.Status.VACANT][:20]
        for i, house in enumerate(vacant, start=1):
            keys.append(Key(estate=estate, tag=f"{estate.code}-H{i:03d}", opens_house=house, cabinet="A",
                            slot=f"{i:02d}", copies=rng.choice([1, 2])))
        for i, room in enumerate(_SHARED_ROOMS, start=1):
            keys.append(Key(estate=estate, tag=f"{estate.code}-S{i:02d}", opens_room=room, cabinet="B",
                            slot=f"{i:02d}", copies=2))
        bulk_create_with_history(keys, Key, batch_size=1000)

        documents = []
        for year in (2025, 2026):
            for i, (title, category) in enumerate(_DOCUMENTS, start=1):
                documents.append(Document(
                    estate=estate, title=f"{year}年{title}", category=category, year=year,
                    reference=f"{estate.code}-{year}-{i:03d}", cabinet="1", box=f"{year}-{(i - 1) // 3 + 1}",
                    confidentiality=rng.choice(list(Document.Confidentiality.values)),
                ))
        for household in households[:5]:
            documents.append(Document(
                estate=estate, household=household, title=f"{household.house.label} 装修申请及验收资料",
                category=Document.Category.DECORATION, year=2026, reference="", cabinet="2", box="装修",
                confidentiality=Document.Confidentiality.CONFIDENTIAL,
            ))
        bulk_create_with_history(documents, Document, batch_size=1000)
    _assign_demo_steward(estates)


def _assign_demo_steward(estates) -> None:
    """The demo steward (login "steward") looks after the first building of the first estate."""

    User = get_user_model()
    steward = User.objects.filter(username="steward").first()
    admin = User.objects.filter(is_superuser=True).first()
    if steward is None or admin is None or not estates:
        return
    first = Household.objects.filter(house__building__estate=estates[0]).order_by("house__building__name")
    building_id = first.values_list("house__building_id", flat=True).first()
    households_assign_steward(households=first.filter(house__building_id=building_id), steward=steward, by=admin)
