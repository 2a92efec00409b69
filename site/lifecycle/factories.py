"""factory_boy factories of lifecycle (tests and demo data). Rows are bare: use
lifecycle.services when the rules matter."""

import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from estates.factories import EstateFactory, HouseFactory
from patrol.factories import PNG_1PX

from lifecycle.models import (
    Decoration,
    DecorationInspection,
    DecorationPhoto,
    DecorationViolation,
    LifecycleRules,
    MoveIn,
    MoveInKey,
    Release,
)


class LifecycleRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifecycleRules
        django_get_or_create = ("estate",)

    estate = factory.SubFactory(EstateFactory)


class MoveInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoveIn

    estate = factory.SubFactory(EstateFactory)
    house = factory.SubFactory(HouseFactory, building__estate=factory.SelfAttribute("...estate"))
    owner_name = factory.Sequence(lambda n: f"业主{n}")
    owner_mobile = factory.Sequence(lambda n: f"139{n:08d}")
    owner_id_number = "110101199003074514"
    date = factory.LazyFunction(timezone.localdate)
    documents = factory.LazyFunction(lambda: ["身份证", "购房合同", "产权证明"])


class MoveInKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoveInKey

    movein = factory.SubFactory(MoveInFactory)
    tag = factory.Sequence(lambda n: f"K-{n:04d}")
    opens = "入户门"


class DecorationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decoration

    estate = factory.SubFactory(EstateFactory)
    house = factory.SubFactory(HouseFactory, building__estate=factory.SelfAttribute("...estate"))
    owner_name = factory.Sequence(lambda n: f"业主{n}")
    owner_mobile = factory.Sequence(lambda n: f"137{n:08d}")
    contractor = "安居装饰工程有限公司"
    contractor_contact = "刘工"
    contractor_mobile = factory.Sequence(lambda n: f"136{n:08d}")
    workers = "刘工 木工\n陈工 水电"
    scope = "厨房卫生间翻新，客厅吊顶"
    start = factory.LazyFunction(timezone.localdate)
    end = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    deposit_amount = "2000.00"


class DecorationInspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecorationInspection

    decoration = factory.SubFactory(DecorationFactory)
    planned_on = factory.LazyFunction(timezone.localdate)


class DecorationViolationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecorationViolation

    decoration = factory.SubFactory(DecorationFactory)
    rule = "施工时间外作业"
    description = "晚上九点后电钻施工"


class DecorationPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecorationPhoto

    estate = factory.SubFactory(EstateFactory)
    file = factory.LazyFunction(lambda: ContentFile(PNG_1PX, name="photo.png"))
    content_type = "image/png"


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    estate = factory.SubFactory(EstateFactory)
    house = factory.SubFactory(HouseFactory, building__estate=factory.SelfAttribute("...estate"))
    requester_name = factory.Sequence(lambda n: f"住户{n}")
    requester_mobile = factory.Sequence(lambda n: f"135{n:08d}")
    items = "冰箱 1台\n沙发 1套"
    date = factory.LazyFunction(timezone.localdate)
    carrier = "顺达搬家 粤B12345"
